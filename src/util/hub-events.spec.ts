import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { HubEvents } from './hub-events.js';

describe('HubEvents', () => {
  it('runs listeners in the order added, one after another, and past one that fails', async () => {
    const events = new HubEvents();
    const seen: string[] = [];
    events.on('dependency.recovered', async ({ downForMs }) => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push(`first ${downForMs}`);
    });
    events.on('dependency.recovered', () => {
      throw new Error('broken catch-up step');
    });
    events.on('dependency.recovered', () => void seen.push('third'));
    events.on('delivery.dead_lettered', () => void seen.push('not this one'));
    await events.emit('dependency.recovered', { dependencies: ['redis'], downForMs: 42 });
    expect(seen).toEqual(['first 42', 'third']);
  });

  it('emits to nobody without listeners', async () => {
    await expect(
      new HubEvents().emit('dependency.recovered', { dependencies: [], downForMs: 0 }),
    ).resolves.toBe(undefined);
  });
});
