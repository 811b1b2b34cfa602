import { describe, expect, it } from '@jest/globals';
import { RedisKeys } from './redis-keys.js';

describe('RedisKeys', () => {
  const keys = new RedisKeys('ow');
  const fixed = Object.entries(keys).filter(
    (e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'prefix',
  );

  it('puts every fixed key under REDIS_PREFIX', () => {
    expect(fixed.length).toBeGreaterThan(10);
    for (const [name, key] of fixed) expect([name, key.startsWith('ow:')]).toEqual([name, true]);
    expect(keys.epoch).toBe('ow:logidx:epoch');
  });

  it('keeps fixed keys apart from any tenant key', () => {
    // Tenant ids are 1 to 64 of A-Z a-z 0-9 _ . - (no ':'), so a fixed key with a segment after
    // its family name is not a tenant key; the ones that were (log:seq for tenant "seq") moved.
    const tenantKey = /^ow:(log|dl|orders:active|sess:tenant):[A-Za-z0-9_.-]+$/;
    for (const [name, key] of fixed) expect([name, tenantKey.test(key)]).toEqual([name, false]);
  });
});
