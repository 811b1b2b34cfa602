import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ClientCommand } from '@orderwire/contracts';
import { Broadcaster, createRedisClient, OnClientCommand, RealtimeModule } from '@orderwire/realtime';
import { Cluster, Redis } from 'ioredis';
import { connect, sampleOrder } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { describeRedisCluster, startRedisCluster, type TestRedisCluster } from './support/redis-cluster.js';
import { loadConfig } from '../src/config/load-config.js';

@Injectable()
class Kitchen {
  readonly places: string[] = [];
  constructor(readonly broadcaster: Broadcaster) {}

  @OnClientCommand('order.place')
  onPlace(command: ClientCommand<'order.place'>): void {
    this.places.push(command.reply?.orderId ?? '?');
  }
}

/** Every key of the cluster's primaries that starts with `prefix`. */
async function keysOf(cluster: Cluster, match: string): Promise<string[]> {
  const keys: string[] = [];
  for (const node of cluster.nodes('master')) keys.push(...(await node.keys(match)));
  return keys;
}

describeRedisCluster(
  'Redis Cluster (issue #34): two hubs with their store, sessions and queues on a cluster',
  () => {
    let cluster: TestRedisCluster;
    let store: TestRedis;
    let prefix: string;
    let node1: TestHub;
    let node2: TestHub;
    let service: INestApplicationContext;
    let admin: Cluster;
    beforeAll(async () => {
      [cluster, store] = await Promise.all([startRedisCluster(3), startRedis()]);
      prefix = cluster.prefix();
      admin = createRedisClient(cluster.url) as Cluster;
      // The Socket.IO adapter and the nodes' bus on one Redis (`store`, here): not on a cluster yet.
      const env = { REDIS_URL: cluster.url, REDIS_ADAPTER_URL: store.url, REDIS_PREFIX: prefix };
      node1 = await startHub({ ...env, NODE_ID: 'cl-1' });
      node2 = await startHub({ ...env, NODE_ID: 'cl-2' });
      @Module({
        imports: [RealtimeModule.forRoot({ serviceId: 'kitchen', redis: { url: cluster.url }, prefix })],
        providers: [Kitchen],
      })
      class KitchenModule {}
      service = await NestFactory.createApplicationContext(KitchenModule, { logger: false });
      await service.init();
    }, 60_000);
    afterAll(async () => {
      await service?.close();
      await node1?.close();
      await node2?.close();
      admin?.disconnect();
      await Promise.all([cluster?.stop(), store?.stop()]);
    });

    it('a client from a redis+cluster:// URL reaches every primary', async () => {
      expect(admin).toBeInstanceOf(Cluster);
      await Promise.all(Array.from({ length: 300 }, (_, i) => admin.set(`${prefix}:spread:${i}`, String(i))));
      expect(await admin.get(`${prefix}:spread:299`)).toBe('299');
      const perPrimary = await Promise.all(
        admin.nodes('master').map(async (n) => (await n.keys(`${prefix}:spread:*`)).length),
      );
      expect(perPrimary).toHaveLength(3);
      for (const count of perPrimary) expect(count).toBeGreaterThan(50);
    });

    it('a service on the cluster gets commands and publishes; every queue key is on one slot ({prefix}:bull)', async () => {
      const crew = await connect(node2, 'crew', 'k-1');
      const customer = await connect(node1, 'customer', 'c-1');
      const { orderId } = await customer.ok('order.place', sampleOrder());
      await crew.waitFor('order.created', (e) => (e.data.order as { orderId: string }).orderId === orderId);
      const kitchen = service.get(Kitchen);
      // The hubs learn of the service's subscription from the cluster (woken by its PUBLISH, or
      // their poll): an order placed before that is not handed to it; one placed after is.
      for (let i = 0; i < 15 && kitchen.places.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        await customer.ok('order.place', sampleOrder());
      }
      expect(kitchen.places.length).toBeGreaterThan(0);
      const { id } = await kitchen.broadcaster.notification(
        'r-1',
        { level: 'info', message: 'from the kitchen service' },
        { to: { roles: ['crew'] } },
      );
      await crew.waitFor('notification', (e) => e.id === id);
      const keys = await keysOf(admin, `{${prefix}}:bull:*`);
      expect(keys.some((k) => k.includes(':publish:'))).toBe(true);
      expect(keys.some((k) => k.includes(':commands-order.place@kitchen:'))).toBe(true);
      const slots = new Set(await Promise.all(keys.map((k) => admin.cluster('KEYSLOT', k))));
      expect(slots.size).toBe(1);
      // Nothing of the queues under the untagged prefix; the store's keys on the cluster, by
      // tenant, and none of them on the adapter's Redis.
      expect(await keysOf(admin, `${prefix}:bull:*`)).toEqual([]);
      expect(await keysOf(admin, `${prefix}:order:{r-1}:${orderId}`)).toHaveLength(1);
      const onAdapter = new Redis(store.url);
      const adapterKeys = await onAdapter.keys(`${prefix}:*`);
      onAdapter.disconnect();
      expect(adapterKeys.filter((k) => /:(order|log|msg|sess|menu):/.test(k))).toEqual([]);
      crew.close();
      customer.close();
    }, 30_000);

    it('across the two hubs: live delivery, a replay from a cursor, and a retried command answered once', async () => {
      let crew = await connect(node2, 'crew', 'k-replay');
      const customer = await connect(node1, 'customer', 'c-replay');
      const first = await customer.ok('order.place', { ...sampleOrder(), requestId: 'r-first' });
      const seen = await crew.waitFor(
        'order.created',
        (e) => (e.data.order as { orderId: string }).orderId === first.orderId,
      );
      crew.close();
      const missed: string[] = [];
      for (let i = 0; i < 3; i++)
        missed.push(String((await customer.ok('order.place', sampleOrder())).orderId));
      // The same requestId again: the first result, not a second order.
      expect(await customer.ok('order.place', { ...sampleOrder(), requestId: 'r-first' })).toEqual(first);
      crew = await connect(node1, 'crew', 'k-replay', { cursor: seen.cursor });
      const welcome = crew.of('system.welcome')[0]!.data as { recovered: boolean; replayed: number };
      expect(welcome).toMatchObject({ recovered: true, replayed: 3 });
      const replayed = crew.of('order.created').map((e) => (e.data.order as { orderId: string }).orderId);
      expect(replayed).toEqual(missed);
      crew.close();
      customer.close();
    }, 30_000);

    it('the adapter is refused on a cluster, and a store on one needs the adapter on one Redis, naming the setting', () => {
      expect(() => loadConfig({ REDIS_URL: store.url, REDIS_ADAPTER_URL: cluster.url })).toThrow(
        'REDIS_ADAPTER_URL',
      );
      expect(() => loadConfig({ REDIS_URL: store.url, REDIS_ADAPTER_URL: cluster.url })).toThrow(
        'not yet the Socket.IO adapter',
      );
      expect(() => loadConfig({ REDIS_URL: cluster.url })).toThrow('REDIS_ADAPTER_URL: required');
      expect(() => loadConfig({ REDIS_URL: store.url, REDIS_QUEUES_URL: `${cluster.url}/0` })).toThrow(
        'a cluster has no database',
      );
    });
  },
);
