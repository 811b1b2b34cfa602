import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Broadcaster, createRedis, RealtimeModule } from '@orderwire/realtime';
import { randomBytes } from 'node:crypto';
import { connect, sampleOrder } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeRequiring } from './support/requirement.js';
import { sentinelMissing, startSentinel, type TestSentinel } from './support/sentinel.js';
import { until } from './support/webhook-receiver.js';

@Injectable()
class Holder {
  constructor(readonly broadcaster: Broadcaster) {}
}

/** Until the hub's /health/ready answers 200 (its Redis connections are up). */
function ready(hub: TestHub, ms = 20_000): Promise<void> {
  return until(async () => (await fetch(`${hub.url}/health/ready`)).status === 200, ms);
}

describeRequiring(
  'the redis engine on a primary behind Sentinel (redis+sentinel://)',
  sentinelMissing(),
  () => {
    let sentinel: TestSentinel;
    let hub: TestHub;
    let service: INestApplicationContext;
    const prefix = `owt-${randomBytes(4).toString('hex')}`;
    beforeAll(async () => {
      sentinel = await startSentinel();
      hub = await startHub({ REDIS_URL: sentinel.url, REDIS_PREFIX: prefix, NODE_ID: 'sentinel-1' });
      // A service finds the queues through the same sentinel.
      @Module({
        imports: [RealtimeModule.forRoot({ serviceId: 'billing', redis: { url: sentinel.url }, prefix })],
        providers: [Holder],
      })
      class BillingModule {}
      service = await NestFactory.createApplicationContext(BillingModule, { logger: false });
      await service.init();
    }, 30_000);
    afterAll(async () => {
      await service?.close();
      await hub?.close();
      await sentinel?.stop();
    });

    /** A notification to the tenant's crew, published by the service through the queues. */
    const notifyCrew = (message: string) =>
      service
        .get(Holder)
        .broadcaster.notification('r-1', { level: 'info', message }, { to: { roles: ['crew'] } });

    const orderIdOf = (e: { data: Record<string, unknown> }): string =>
      (e.data.order as { orderId: string }).orderId;

    it('works on the primary the sentinel names: orders, a service publish, the keys on that primary', async () => {
      const crew = await connect(hub, 'crew', 'k-1');
      const customer = await connect(hub, 'customer', 'c-1');
      const { orderId } = await customer.ok('order.place', sampleOrder());
      await crew.waitFor('order.created', (e) => orderIdOf(e) === orderId);
      const { id } = await notifyCrew('via sentinel');
      await crew.waitFor('notification', (e) => e.id === id);
      const primary = sentinel.client(await sentinel.primaryPort());
      expect(await primary.exists(`${prefix}:order:{r-1}:${orderId}`)).toBe(1);
      crew.close();
      customer.close();
    }, 30_000);

    it('a client ended with QUIT, and its duplicate, leave no subscription open on the sentinel', async () => {
      // The hub's and the service's own subscriptions first, once they have all been made.
      let before = -1;
      let same = 0;
      await until(async () => {
        const now = await sentinel.subscribers();
        same = now === before ? same + 1 : 0;
        before = now;
        return same >= 5;
      }, 10_000);
      const client = createRedis(sentinel.url);
      const copy = client.duplicate();
      await Promise.all([client.ping(), copy.ping()]);
      await until(async () => (await sentinel.subscribers()) === before + 2, 5000);
      await Promise.all([client.quit(), copy.quit()]);
      // ioredis alone leaves both failover detectors subscribed and reconnecting (redis-url.ts).
      await until(async () => (await sentinel.subscribers()) === before, 5000);
    });

    it('follows a failover to the new primary: the log survives and a cursor from before it replays', async () => {
      const crew = await connect(hub, 'crew', 'k-2');
      const customer = await connect(hub, 'customer', 'c-2');
      const before = await customer.ok('order.place', sampleOrder());
      const cursor = (await crew.waitFor('order.created', (e) => orderIdOf(e) === before.orderId)).cursor!;
      crew.close();

      const { from, to } = await sentinel.failover();
      expect(to).not.toBe(from);
      // The hub's connections leave the old primary when the sentinel announces the new one
      // (failoverDetector), and connect to the new one; writes in between are refused, not lost.
      const names = ['store', 'queues', 'adapter'].map((role) => `${prefix}:sentinel-1:${role}`);
      await until(async () => {
        const list = (await sentinel.client(to).call('CLIENT', 'LIST')) as string;
        return names.every((name) => list.includes(` name=${name} `));
      }, 15_000);
      await ready(hub);
      // The customer's connection stayed up; its next order goes to the new primary.
      const after = await customer.ok('order.place', sampleOrder());
      expect(await sentinel.client(to).exists(`${prefix}:order:{r-1}:${after.orderId}`)).toBe(1);
      expect((await sentinel.client(to).call('ROLE')) as unknown[]).toContain('master');

      const back = await connect(hub, 'crew', 'k-2', { cursor });
      expect(back.received[0].data).toMatchObject({ recovered: true });
      const replayed = back.received.filter((e) => e.type === 'order.created').map(orderIdOf);
      expect(replayed).toContain(after.orderId);
      expect(replayed).not.toContain(before.orderId);
      // The service's queue connection followed it too.
      const { id } = await notifyCrew('after failover');
      await back.waitFor('notification', (e) => e.id === id, 15_000);
      back.close();
      customer.close();
    }, 60_000);
  },
);
