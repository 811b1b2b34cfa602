import { describe, expect, it } from '@jest/globals';
import { ReadCache } from './read-cache.js';

/** A read that resolves when told to, counting calls. */
function reads(values: string[]) {
  let calls = 0;
  const pending: Array<() => void> = [];
  const read = () =>
    new Promise<string>((resolve) => {
      const value = values[calls++] ?? 'none';
      pending.push(() => resolve(value));
    });
  return { read, calls: () => calls, release: () => pending.splice(0).forEach((r) => r()) };
}

describe('ReadCache', () => {
  it('keeps a value for its TTL, then reads again', async () => {
    let now = 0;
    const cache = new ReadCache<string>(1000, 10, () => now);
    const r = reads(['v1', 'v2']);
    const first = cache.get('a', r.read);
    r.release();
    expect(await first).toBe('v1');
    now = 999;
    expect(await cache.get('a', r.read)).toBe('v1');
    expect(r.calls()).toBe(1);
    now = 1000;
    const again = cache.get('a', r.read);
    r.release();
    expect(await again).toBe('v2');
    expect(r.calls()).toBe(2);
  });

  it('a get right after a shared read ends does not overtake the gets that waited for it', async () => {
    // Orders placed while the menu was read must not be carried out after orders placed just
    // after it (a hit is the same promise, so its continuation queues behind theirs).
    const cache = new ReadCache<string>(1000, 10);
    const r = reads(['v1']);
    const order: string[] = [];
    for (const name of ['w1', 'w2']) void cache.get('a', r.read).then(() => order.push(name));
    r.release();
    for (let tick = 0; tick < 8; tick++) {
      await Promise.resolve();
      void cache.get('a', r.read).then(() => order.push(`later${tick}`));
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(order.slice(0, 2)).toEqual(['w1', 'w2']);
    expect(order).toEqual(['w1', 'w2', ...Array.from({ length: 8 }, (_, tick) => `later${tick}`)]);
    expect(r.calls()).toBe(1);
  });

  it('shares one read among overlapping gets of a key', async () => {
    const cache = new ReadCache<string>(1000, 10);
    const r = reads(['v1']);
    const all = Promise.all([cache.get('a', r.read), cache.get('a', r.read), cache.get('a', r.read)]);
    r.release();
    expect(await all).toEqual(['v1', 'v1', 'v1']);
    expect(r.calls()).toBe(1);
  });

  it('drops a key on invalidate, and does not keep a read that began before it', async () => {
    const cache = new ReadCache<string>(60_000, 10);
    const r = reads(['old', 'new', 'newer']);
    const stale = cache.get('a', r.read); // in flight when the write lands
    cache.invalidate('a');
    // A get after the invalidation does not share the stale read.
    const fresh = cache.get('a', r.read);
    r.release();
    expect(await stale).toBe('old');
    expect(await fresh).toBe('new');
    expect(await cache.get('a', r.read)).toBe('new'); // kept: it began after the invalidation
    expect(r.calls()).toBe(2);
    cache.invalidate('a');
    const after = cache.get('a', r.read);
    r.release();
    expect(await after).toBe('newer');
  });

  it('keeps at most `max` keys, the oldest read leaving first', async () => {
    const cache = new ReadCache<string>(60_000, 2);
    for (const key of ['a', 'b', 'c']) await cache.get(key, () => Promise.resolve(key));
    expect(cache.size).toBe(2);
    let reread = 0;
    await cache.get('a', () => (reread++, Promise.resolve('a')));
    await cache.get('c', () => (reread++, Promise.resolve('c')));
    expect(reread).toBe(1); // 'a' had left, 'c' had not
  });

  it('does not keep a failed read', async () => {
    const cache = new ReadCache<string>(60_000, 10);
    await expect(cache.get('a', () => Promise.reject(new Error('redis down')))).rejects.toThrow('redis down');
    expect(cache.size).toBe(0);
    expect(await cache.get('a', () => Promise.resolve('v'))).toBe('v');
  });
});
