import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeRedis, startRedis, type TestRedis } from '../support/redis.js';
import { loadConfig } from '../../src/config/load-config.js';
import { CONTRACT_ENV, created, describeEngineContract, order } from './engine.contract.js';
import { redisUnderTest } from './redis-under-test.js';
import type { Order } from '@orderwire/contracts';
import { Redis } from 'ioredis';
import { AUDIT_QUEUE_MAX } from '../../src/engine/redis/redis-audit-store.js';
import { RedisEngine } from '../../src/engine/redis/redis-engine.js';
import { RedisTenantRegistry } from '../../src/engine/redis/redis-tenant-registry.js';
import { recordSlots, scriptNames } from '../support/redis-slots.js';

describeRedis('redis engine', () => {
  let redis: TestRedis;
  /** Every command the contract sends, for the one-slot rule of Redis Cluster (below). */
  let recorder: Awaited<ReturnType<typeof recordSlots>>;
  const prefixes: string[] = [];
  let scripts = new Map<string, string>();
  beforeAll(async () => {
    redis = await startRedis();
    recorder = await recordSlots(redis.url);
  });
  afterAll(() => redis.stop());

  const makeEngine = async () => {
    const prefix = redis.prefix();
    prefixes.push(prefix);
    const engine = new RedisEngine(
      loadConfig({ REDIS_URL: redis.url, REDIS_PREFIX: prefix, ...CONTRACT_ENV }),
    );
    scripts = new Map([...scripts, ...scriptNames(engine.store, engine.sessionsClient)]);
    await engine.start();
    return engine;
  };

  describeEngineContract('redis', async () => redisUnderTest(await makeEngine()));

  // Redis Cluster runs a command, a script or a transaction only if all its keys hash to one
  // slot (issue #34). What the contract does, plus the stores it does not cover, is checked
  // here: each script's keys, each multi-key command's and each MULTI's. BullMQ's keys
  // (`<prefix>:bull:…`) are BullMQ's to place (test/redis-cluster.e2e-spec.ts runs it on one).
  it('touches one Redis Cluster slot per command, script and transaction, and calls every script', async () => {
    const engine = await makeEngine();
    try {
      await engine.couriers.createCode('T', 'o1', '1234', 60_000);
      await engine.couriers.failCode('T', 'o1');
      await engine.couriers.forget('T', 'o1');
      await engine.watch.add([{ tenantId: 'T', orderId: 'o1', step: 'escalate', at: 1 }]);
      await engine.watch.claimDue(2, 10);
      await engine.watch.markSeen('T', 'o1', 'u', 60_000);
      await engine.watch.takeSeen('T', 'o1');
      await engine.prepSamples.add('T', [{ key: 'k', minutes: 5, at: 1 }], 10);
      // Two tenants' audit entries in one event-loop turn (what a busy node batches).
      const entry = (tenantId: string) => ({
        tenantId,
        actor: { id: 'u', type: 'crew' as const },
        action: 'order.update_status',
        at: new Date().toISOString(),
      });
      await Promise.all([engine.audit.append(entry('T')), engine.audit.append(entry('U'))]);
      await engine.messages.prune(Date.now());
    } finally {
      await engine.close(2000);
    }
    const mine = (key: string) => prefixes.some((p) => key.startsWith(`${p}:`)) && !key.includes(':bull:');
    const report = await recorder.analyse(mine, scripts);
    expect(report.commands).toBeGreaterThan(1000);
    expect([...report.scriptsCalled].sort()).toEqual([...new Set(scripts.values())].sort());
    // 25 commands, scripts and transactions spanned slots before issue #34's layout; none now.
    // On a failure this shows what, with its keys.
    expect(report.crossSlot.slice(0, 5)).toEqual([]);
  });

  it('caps stored command results per tenant: one tenant flooding them evicts none of another’s', async () => {
    const max = 100;
    const engine = new RedisEngine(
      loadConfig({ REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix(), IDEMPOTENCY_KEYS_MAX: String(max) }),
    );
    await engine.start();
    try {
      const ids = engine.idempotency;
      await ids.setIfAbsent('quiet', 'admin|quiet|a', 'r', 'kept', 60_000);
      for (let i = 0; i <= max; i++) await ids.setIfAbsent('loud', `crew|loud|u${i}`, 'r', i, 60_000);
      expect(await ids.get('quiet', 'admin|quiet|a', 'r')).toBe('kept');
      expect(await ids.get('loud', 'crew|loud|u0', 'r')).toBeUndefined();
      expect(await ids.get('loud', `crew|loud|u${max}`, 'r')).toBe(max);
      // The same user and requestId in another tenant is another result.
      expect(await ids.get('quiet', `crew|loud|u${max}`, 'r')).toBeUndefined();
    } finally {
      await engine.close(2000);
    }
  });

  it('keeps orders of at most TENANTS_MAX tenants, and final orders per tenant (ORDER_RETENTION_MAX)', async () => {
    const engine = new RedisEngine(
      loadConfig({
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix(),
        TENANTS_MAX: '2',
        ORDER_RETENTION_MAX: '100',
      }),
    );
    await engine.start();
    try {
      const limits = { perCustomer: 100, perTenant: 1000 };
      const place = (t: string, id: string) => {
        const o = order(t, id);
        return engine.orders.place(o, '2026-12-08', limits, created(o));
      };
      expect(await place('A', 'a-1')).toHaveProperty('placed');
      expect(await place('B', 'b-1')).toHaveProperty('placed');
      expect(await place('C', 'c-1')).toEqual({ limit: 'tenants' });
      expect(await engine.orders.create(order('C', 'c-2'), '2026-12-08')).toBe('tenants');
      expect(await engine.orders.get('C', 'c-1')).toBeUndefined();
      expect(await place('A', 'a-2')).toHaveProperty('placed'); // a tenant with orders goes on
      // 101 final orders of A evict A's oldest, none of B's.
      const b = (await engine.orders.get('B', 'b-1'))!;
      expect(await engine.orders.update({ ...b, status: 'cancelled', revision: 1 }, 0)).toBe(true);
      for (let i = 0; i <= 100; i++) {
        const o = (await engine.orders.create(order('A', `done-${i}`), '2026-12-08')) as Order;
        await engine.orders.update({ ...o, status: 'cancelled', revision: 1 }, 0);
      }
      expect(await engine.orders.get('A', 'done-0')).toBeUndefined();
      expect((await engine.orders.get('A', 'done-1'))?.status).toBe('cancelled');
      expect((await engine.orders.get('B', 'b-1'))?.status).toBe('cancelled');
      expect((await engine.orders.listActive('*', 10)).map((o) => o.orderId)).toEqual(['a-1', 'a-2']);
    } finally {
      await engine.close(2000);
    }
  });

  it('a full tenant registry refuses new tenants on every node, and still admits those another node admitted', async () => {
    const client = new Redis(redis.url);
    try {
      const key = `${redis.prefix()}:{reg}:tenants`;
      const nodeA = new RedisTenantRegistry(client, key, 2);
      const nodeB = new RedisTenantRegistry(client, key, 2);
      expect([await nodeA.admit('t1'), await nodeA.admit('t2'), await nodeA.admit('t3')]).toEqual([
        true,
        true,
        false,
      ]);
      expect(await nodeB.admit('t3')).toBe(false);
      expect(await nodeB.admit('t1')).toBe(true); // in the set, though B never admitted it
      expect(await nodeB.count()).toBe(2);
    } finally {
      client.disconnect();
    }
  });

  describe('audit writes', () => {
    let engine: RedisEngine;
    let stats: Redis;
    beforeAll(async () => {
      engine = new RedisEngine(loadConfig({ REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix() }));
      await engine.start();
      stats = new Redis(redis.url);
    });
    afterAll(async () => {
      stats.disconnect();
      await engine.close(2000);
    });
    /** EVAL (a script's first call on a connection) and EVALSHA calls so far. */
    const scriptCalls = async () => {
      const text = await stats.info('commandstats');
      const calls = (cmd: string) => Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(text)?.[1] ?? 0);
      return calls('eval') + calls('evalsha');
    };
    const entry = (tenantId: string, i: number) => ({
      tenantId,
      actor: { id: 'u', type: 'crew' as const },
      action: 'order.update_status',
      orderId: `o-${i}`,
      at: new Date().toISOString(),
    });

    it('writes the entries of one event-loop turn with one script call per tenant (and per 256), in order', async () => {
      const before = await scriptCalls();
      await Promise.all(
        Array.from({ length: 300 }, (_, i) => engine.audit.append(entry(i % 2 ? 'A' : 'B', i))),
      );
      expect((await scriptCalls()) - before).toBe(2);
      const a = await engine.audit.page('A', { limit: 200 });
      expect(a.items.map((e) => e.orderId)).toEqual(
        Array.from({ length: 150 }, (_, i) => `o-${299 - 2 * i}`),
      );
    });

    it(`refuses an entry past ${AUDIT_QUEUE_MAX} waiting, and writes the others`, async () => {
      const results = await Promise.allSettled(
        Array.from({ length: AUDIT_QUEUE_MAX + 1 }, (_, i) => engine.audit.append(entry('Q', i))),
      );
      const refused = results.filter((r) => r.status === 'rejected');
      expect(refused).toHaveLength(1);
      expect(String((refused[0] as PromiseRejectedResult).reason)).toContain(
        'audit entries are waiting for Redis',
      );
      expect(results.at(-1)!.status).toBe('rejected');
    });
  });
});
