import { afterAll, beforeAll } from '@jest/globals';
import { describeRedis, startRedis, type TestRedis } from '../../../test/support/redis.js';
import { loadConfig } from '../../config/load-config.js';
import { CONTRACT_ENV, describeEngineContract } from '../engine.contract.js';
import { RedisEngine } from './redis-engine.js';

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
      idempotency: engine.idempotency,
      sessions: engine.sessions,
      jobs: engine.jobs,
      close: () => engine.close(2000),
    };
  });
});
