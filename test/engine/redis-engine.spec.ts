import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeRedis, startRedis, type TestRedis } from '../support/redis.js';
import { loadConfig } from '../../src/config/load-config.js';
import { CONTRACT_ENV, CONTRACT_SETTINGS, describeEngineContract } from './engine.contract.js';
import { Redis } from 'ioredis';
import { AUDIT_QUEUE_MAX, RedisAuditStore } from '../../src/engine/redis/redis-audit-store.js';
import { RedisEngine } from '../../src/engine/redis/redis-engine.js';

describeRedis('redis engine', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  describeEngineContract('redis', async () => {
    const engine = new RedisEngine(
      loadConfig({
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix(),
        ...CONTRACT_ENV,
      }),
    );
    await engine.start();
    return {
      messages: engine.messages,
      orders: engine.orders,
      menus: engine.menus,
      storeStatuses: engine.storeStatuses,
      scheduled: engine.scheduled,
      dayBook: engine.dayBook,
      // The engine's own store has AUDIT_SCAN_MAX; the contract's, a smaller read bound.
      audit: new RedisAuditStore(engine.store, engine.keys, CONTRACT_SETTINGS.audit),
      idempotency: engine.idempotency,
      sessions: engine.sessions,
      jobs: engine.jobs,
      webhooks: engine.webhooks,
      close: () => engine.close(2000),
    };
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

    it('writes the entries of one event-loop turn with one script call per 256, in order', async () => {
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
