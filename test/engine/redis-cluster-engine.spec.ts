import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DurableType, Envelope } from '@orderwire/contracts';
import type { Cluster } from 'ioredis';
import { loadConfig } from '../../src/config/load-config.js';
import { RedisEngine } from '../../src/engine/redis/redis-engine.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { describeRedisCluster, startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.js';
import { CONTRACT_ENV, describeEngineContract } from './engine.contract.js';
import { redisUnderTest } from './redis-under-test.js';

/**
 * The redis engine's store, sessions and queues on a real Redis Cluster of 3 primaries (issue
 * #34): the whole engine contract, where any command, script or transaction whose keys span two
 * slots fails with CROSSSLOT; and tenants spread over the shards. The Socket.IO adapter and the
 * nodes' bus stay on one Redis (REDIS_ADAPTER_URL), as the hub requires for now.
 */
describeRedisCluster('redis engine on a Redis Cluster', () => {
  let cluster: TestRedisCluster;
  let adapter: TestRedis;
  beforeAll(async () => {
    [cluster, adapter] = await Promise.all([startRedisCluster(3), startRedis()]);
  }, 60_000);
  afterAll(() => Promise.all([cluster?.stop(), adapter?.stop()]));

  const engineOn = async (env: Record<string, string> = {}) => {
    const engine = new RedisEngine(
      loadConfig({
        REDIS_URL: cluster.url,
        REDIS_ADAPTER_URL: adapter.url,
        REDIS_PREFIX: cluster.prefix(),
        ...env,
      }),
    );
    await engine.start();
    return engine;
  };

  describeEngineContract('redis on a cluster', async () => redisUnderTest(await engineOn(CONTRACT_ENV)));

  it('spreads 1,000 tenants’ logs over the 3 shards, each within ±20 % of a third', async () => {
    const engine = await engineOn();
    try {
      const envelope = (tenantId: string) =>
        ({
          id: `m-${tenantId}`,
          type: 'notification',
          tenantId,
          timestamp: new Date().toISOString(),
          data: { level: 'info', message: 'spread' },
          sender: { id: 's', type: 'service' },
        }) as unknown as Envelope<DurableType>;
      const tenants = Array.from({ length: 1000 }, (_, i) => `spread-${i}`);
      for (let i = 0; i < tenants.length; i += 100)
        await Promise.all(
          tenants
            .slice(i, i + 100)
            .map((t) => engine.messages.append(envelope(t), { crew: [`t:${t}`] }, Date.now())),
        );
      const primaries = (engine.store as Cluster).nodes('master');
      const perShard = await Promise.all(
        primaries.map(async (n) => (await n.keys(`${engine.keys.prefix}:log:{spread-*}`)).length),
      );
      expect(perShard).toHaveLength(3);
      expect(perShard.reduce((a, b) => a + b, 0)).toBe(1000);
      for (const count of perShard) expect(Math.abs(count - 1000 / 3)).toBeLessThanOrEqual(1000 / 3 / 5);
      // And each tenant's log reads back from its shard.
      const head = await engine.messages.head('spread-999');
      expect(head?.endsWith(':1')).toBe(true);
    } finally {
      await engine.close(2000);
    }
  }, 60_000);

  describe('settings', () => {
    it('a cluster for REDIS_URL needs REDIS_ADAPTER_URL on one Redis; the adapter on a cluster is refused', () => {
      expect(() => loadConfig({ REDIS_URL: cluster.url })).toThrow(
        'REDIS_ADAPTER_URL: required when REDIS_URL is a Redis Cluster',
      );
      expect(() => loadConfig({ REDIS_URL: adapter.url, REDIS_ADAPTER_URL: cluster.url })).toThrow(
        'REDIS_ADAPTER_URL',
      );
      expect(() =>
        loadConfig({
          REDIS_URL: cluster.url,
          REDIS_ADAPTER_URL: adapter.url,
          REDIS_SESSIONS_URL: cluster.url,
        }),
      ).not.toThrow();
    });
  });
});
