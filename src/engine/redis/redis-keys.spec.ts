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
    expect(keys.nodes).toBe('ow:{ow}:nodes');
  });

  it('keeps fixed keys apart from any tenant key', () => {
    // Tenant ids are 1 to 64 of A-Z a-z 0-9 _ . - (no ':'), so a fixed key with a segment after
    // its family name is not a tenant key; the ones that were (log:seq for tenant "seq") moved.
    const tenantKey = /^ow:(log|dl|orders:active|sess:tenant):(\{[A-Za-z0-9_.-]+\}|[A-Za-z0-9_.-]+)$/;
    for (const [name, key] of fixed) expect([name, tenantKey.test(key)]).toEqual([name, false]);
  });

  // Redis Cluster (issue #34): one tenant's keys on one slot, the fixed ones that one transaction
  // writes together on another.
  it('tags every per-tenant key with its tenant, and the fixed keys the hub writes together with the prefix', () => {
    const perTenant = [
      keys.order('acme', 'o1'),
      keys.active('acme'),
      keys.customerOrders('acme', 'c1'),
      keys.scheduled('acme'),
      keys.orderNumbers('acme', '2026-12-08'),
      keys.audit('acme'),
      keys.menu('acme'),
      keys.storeStatus('acme'),
      keys.courierPosition('acme', 'o1'),
      keys.prepSamples('acme'),
      keys.dayBook('acme', '2026-12-08'),
      keys.seen('acme', 'o1'),
      keys.handoff('acme', 'o1'),
      keys.userSessions('acme', 'crew|acme|u1'),
      keys.tenantSessions('acme'),
      keys.message('acme', 'm1'),
      keys.log('acme'),
      keys.logSeq('acme'),
      keys.logEpoch('acme'),
      keys.floor('acme'),
      keys.logSizes('acme'),
      keys.logBytes('acme'),
    ];
    for (const key of perTenant) expect([key, /^ow:[^{]*\{acme\}/.test(key)]).toEqual([key, true]);
    for (const key of [keys.nodes, keys.alive('n1'), keys.menuTenants, keys.storeTenants, keys.scheduledAll])
      expect([key, key.startsWith('ow:{ow}:')]).toEqual([key, true]);
  });
});
