import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
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

// On a fake clock: what is checked is when each close is forced, not how fast a machine is.
describe('closeWithin', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('closes each in order when they finish in time, and forces none', async () => {
    const log: string[] = [];
    const closing = closeWithin([item('a', 5, log), item('b', 5, log)], 1000);
    await jest.advanceTimersByTimeAsync(10);
    const forced = await closing;
    expect(forced).toEqual([]);
    expect(Date.now()).toBe(10);
    expect(log).toEqual(['close a', 'close b']);
  });

  it('forces a close that hangs once the budget is spent, and every one after it', async () => {
    const log: string[] = [];
    let done = false;
    const closing = closeWithin(
      [item('a', 5, log), item('stuck', 'never', log), item('c', 5, log)],
      150,
    ).then((forced) => ((done = true), forced));
    await jest.advanceTimersByTimeAsync(149);
    expect(done).toBe(false);
    expect(log).toEqual(['close a', 'close stuck']);
    await jest.advanceTimersByTimeAsync(1);
    expect(await closing).toEqual(['stuck', 'c']);
    expect(log).toEqual(['close a', 'close stuck', 'force stuck', 'force c']);
  });

  it('with the dependency known to be down, forces everything at once without trying to close', async () => {
    const log: string[] = [];
    const forced = await closeWithin([item('a', 'never', log), item('b', 'never', log)], 10_000, true);
    expect(forced).toEqual(['a', 'b']);
    expect(log).toEqual(['force a', 'force b']);
    expect(Date.now()).toBe(0); // no time passed: nothing was waited for
  });

  it('a close that rejects counts as closed; a force that throws does not stop the rest', async () => {
    const log: string[] = [];
    const closing = closeWithin(
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
    await jest.advanceTimersByTimeAsync(50);
    expect(await closing).toEqual(['t', 'u']);
    expect(log).toEqual(['force u']); // the budget was spent on t
  });
});
