import { describe, expect, it } from '@jest/globals';
import { type Closable, closeWithin } from './bounded-close.js';

function item(name: string, closeMs: number | 'never', log: string[]): Closable {
  return {
    name,
    close: () => {
      log.push(`close ${name}`);
      return closeMs === 'never' ? new Promise(() => undefined) : new Promise((r) => setTimeout(r, closeMs));
    },
    force: () => log.push(`force ${name}`),
  };
}

describe('closeWithin', () => {
  it('closes each in order when they finish in time, and forces none', async () => {
    const log: string[] = [];
    const forced = await closeWithin([item('a', 5, log), item('b', 5, log)], 1000);
    expect(forced).toEqual([]);
    expect(log).toEqual(['close a', 'close b']);
  });

  it('forces a close that hangs once the budget is spent, and every one after it', async () => {
    const log: string[] = [];
    const started = Date.now();
    const forced = await closeWithin(
      [item('a', 5, log), item('stuck', 'never', log), item('c', 5, log)],
      150,
    );
    const took = Date.now() - started;
    expect(forced).toEqual(['stuck', 'c']);
    expect(log).toEqual(['close a', 'close stuck', 'force stuck', 'force c']);
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(400);
  });

  it('with the dependency known to be down, forces everything at once without trying to close', async () => {
    const log: string[] = [];
    const started = Date.now();
    const forced = await closeWithin([item('a', 'never', log), item('b', 'never', log)], 10_000, true);
    expect(forced).toEqual(['a', 'b']);
    expect(log).toEqual(['force a', 'force b']);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('a close that rejects counts as closed; a force that throws does not stop the rest', async () => {
    const log: string[] = [];
    const forced = await closeWithin(
      [
        { name: 'r', close: () => Promise.reject(new Error('gone')), force: () => log.push('force r') },
        {
          name: 't',
          close: () => new Promise(() => undefined),
          force: () => {
            throw new Error('boom');
          },
        },
        item('u', 1, log),
      ],
      50,
    );
    expect(forced).toEqual(['t', 'u']);
    expect(log).toEqual(['force u']); // the budget was spent on t
  });
});
