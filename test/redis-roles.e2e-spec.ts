import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Broadcaster, RealtimeModule } from '@orderwire/realtime';
import { Redis } from 'ioredis';
import { connect, sampleOrder } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeRedis, startRedis, type TestRedis } from './support/redis.js';
import { ENGINE_HEALTH, type EngineHealth } from '../src/engine/engine.tokens.js';

@Injectable()
class Holder {
  constructor(readonly broadcaster: Broadcaster) {}
}

/**
 * The keys of `prefix` in a Redis, by their kind (the part after the prefix, up to `:`; after
 * the hub's fixed hash tag `{<prefix>}:` for its fixed keys).
 */
async function kinds(url: string, prefix: string): Promise<Set<string>> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const keys = await redis.keys(`${prefix}:*`);
    return new Set(
      keys.map(
        (k) =>
          k
            .slice(prefix.length + 1)
            .replace(`{${prefix}}:`, '')
            .split(':')[0]!,
      ),
    );
  } finally {
    redis.disconnect();
  }
}

/** Calls of each command a Redis served so far (INFO commandstats). */
async function calls(url: string): Promise<Record<string, number>> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const info = await redis.info('commandstats');
    return Object.fromEntries(
      [...info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])]),
    );
  } finally {
    redis.disconnect();
  }
}

describeRedis(
  'the redis engine on Redis instances by role (REDIS_QUEUES_URL, REDIS_ADAPTER_URL, REDIS_SESSIONS_URL)',
  () => {
    let store: TestRedis;
    let queues: TestRedis;
    let sessions: TestRedis;
    let prefix: string;
    let node1: TestHub;
    let node2: TestHub;
    let service: INestApplicationContext;
    beforeAll(async () => {
      [store, queues, sessions] = await Promise.all([startRedis(), startRedis(), startRedis()]);
      if (!store.owned) throw new Error('this suite needs redis-server: it starts three Redis instances');
      prefix = store.prefix();
      const env = {
        REDIS_URL: store.url,
        REDIS_QUEUES_URL: queues.url,
        REDIS_ADAPTER_URL: queues.url,
        REDIS_SESSIONS_URL: sessions.url,
        REDIS_PREFIX: prefix,
      };
      node1 = await startHub({ ...env, NODE_ID: 'roles-1' });
      node2 = await startHub({ ...env, NODE_ID: 'roles-2' });
      // A service knows only the queues' Redis.
      @Module({
        imports: [RealtimeModule.forRoot({ serviceId: 'billing', redis: { url: queues.url }, prefix })],
        providers: [Holder],
      })
      class BillingModule {}
      service = await NestFactory.createApplicationContext(BillingModule, { logger: false });
      await service.init();
    }, 30000);
    afterAll(async () => {
      await service?.close();
      await node1?.close();
      await node2?.close();
      await Promise.all([store, queues, sessions].map((r) => r?.stop()));
    });

    it('works across nodes, a service publishes through the queues, and each Redis holds only its part', async () => {
      const crew = await connect(node2, 'crew', 'k-1');
      const customer = await connect(node1, 'customer', 'c-1');
      const { orderId } = await customer.ok('order.place', sampleOrder());
      await crew.waitFor('order.created', (e) => (e.data.order as { orderId: string }).orderId === orderId);
      const { id } = await service
        .get(Holder)
        .broadcaster.notification(
          'r-1',
          { level: 'info', message: 'from billing' },
          { to: { roles: ['crew'] } },
        );
      await crew.waitFor('notification', (e) => e.id === id);
      // A volatile broadcast crosses nodes through the adapter's stream.
      await crew.ok('order.update_status', { orderId, status: 'accepted' });
      await customer.waitFor('order.status_updated', (e) => e.data.orderId === orderId);

      const onStore = await kinds(store.url, prefix);
      const onQueues = await kinds(queues.url, prefix);
      const onSessions = await kinds(sessions.url, prefix);
      expect(onStore.has('order')).toBe(true);
      expect(onStore.has('log')).toBe(true);
      for (const kind of ['sess', 'node', 'nodes', 'bull', 'socket.io'])
        expect(onStore.has(kind)).toBe(false);
      expect(onQueues.has('bull')).toBe(true);
      // The adapter's traffic (its XREAD loop, the cluster bus's PUBLISH) went to its own Redis.
      const adapterCalls = await calls(queues.url);
      const storeCalls = await calls(store.url);
      expect(adapterCalls.xread).toBeGreaterThan(0);
      expect(adapterCalls.publish).toBeGreaterThan(0);
      expect(storeCalls.xread ?? 0).toBe(0);
      expect(storeCalls.publish ?? 0).toBe(0);
      // The order script (EVAL once per connection, EVALSHA after).
      expect((storeCalls.eval ?? 0) + (storeCalls.evalsha ?? 0)).toBeGreaterThan(0);
      for (const kind of ['order', 'log', 'sess']) expect(onQueues.has(kind)).toBe(false);
      // Sessions, and the node heartbeats and registry a survivor's clean-up reads with them.
      expect([...onSessions].sort()).toEqual(['node', 'nodes', 'sess']);
      crew.close();
      customer.close();
    }, 30000);

    it('a Redis of its own that stops answering is reported by its role, and back when it answers', async () => {
      const health = node1.app.get<EngineHealth>(ENGINE_HEALTH);
      expect(await health.down()).toEqual([]);
      await sessions.kill();
      try {
        expect(await health.down()).toEqual(['redis-sessions']);
        expect(health.connected()).toBe(false);
      } finally {
        await sessions.start();
      }
      const deadline = Date.now() + 10_000;
      while ((await health.down()).length > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(await health.down()).toEqual([]);
    }, 30000);
  },
);
