import { afterAll, beforeAll } from '@jest/globals';
import { describeRedis, startRedis, type TestRedis } from '../support/redis.js';
import { loadConfig } from '../../src/config/load-config.js';
import { CONTRACT_ENV, CONTRACT_SETTINGS, describeEngineContract } from './engine.contract.js';
import { RedisAuditStore } from '../../src/engine/redis/redis-audit-store.js';
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
      // The engine's own store has AUDIT_SCAN_MAX; the contract's, a smaller read bound.
      audit: new RedisAuditStore(engine.store, engine.keys, CONTRACT_SETTINGS.audit),
      idempotency: engine.idempotency,
      sessions: engine.sessions,
      jobs: engine.jobs,
      webhooks: engine.webhooks,
      close: () => engine.close(2000),
    };
  });
});
