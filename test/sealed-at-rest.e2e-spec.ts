import { expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { Broadcaster, type ClientCommand, OnClientCommand, RealtimeModule } from '@orderwire/realtime';
import { Redis } from 'ioredis';
import { connect, sampleOrder } from './support/client.js';
import { startHub } from './support/hub.js';
import { describeRedis, startRedis } from './support/redis.js';
import { Receiver, until, WEBHOOK_SECRET } from './support/webhook-receiver.js';

/** Every value of every key under `prefix`, whatever its type, as one text (binary as latin1). */
async function dump(redis: Redis, prefix: string): Promise<{ text: string; types: Set<string> }> {
  const parts: string[] = [];
  const types = new Set<string>();
  const keys = await redis.keys(`${prefix}*`);
  for (const key of keys) {
    const type = await redis.type(key);
    types.add(type);
    const buf = (v: Buffer | Buffer[] | unknown) =>
      (Array.isArray(v) ? v.flat(4) : [v]).map((b) =>
        Buffer.isBuffer(b) ? b.toString('latin1') : String(b),
      );
    if (type === 'string') parts.push(...buf(await redis.getBuffer(key)));
    else if (type === 'hash')
      parts.push(...buf(await redis.hgetallBuffer(key).then((h) => Object.entries(h).flat())));
    else if (type === 'list') parts.push(...buf(await redis.lrangeBuffer(key, 0, -1)));
    else if (type === 'set') parts.push(...buf(await redis.smembersBuffer(key)));
    else if (type === 'zset') parts.push(...buf(await redis.zrangeBuffer(key, '0', '-1', 'WITHSCORES')));
    else if (type === 'stream') parts.push(...buf(await redis.xrangeBuffer(key, '-', '+')));
    else throw new Error(`a key of type ${type}: read it too (${key})`);
    parts.push(key);
  }
  return { text: parts.join('\n'), types };
}

/** What a customer and crew wrote, an address and a position: none may be in Redis in clear. */
const MARKERS = {
  street: 'Zq7Street 12',
  city: 'Zq7City',
  notes: 'Zq7Note ring twice',
  reason: 'Zq7Reason changed my mind',
  crewNote: 'Zq7CrewNote out of buns',
  lat: 38.7123456,
  lng: -9.1398765,
};

/** The texts an auditor searches for, a position in each form it may take (JSON, msgpack). */
function needles(): string[] {
  const f64 = (n: number) => {
    const b = Buffer.alloc(9);
    b[0] = 0xcb;
    b.writeDoubleBE(n, 1);
    return b.toString('latin1');
  };
  return [
    MARKERS.street,
    MARKERS.city,
    'Zq7Note',
    'Zq7Reason',
    'Zq7CrewNote',
    'Zq7Service',
    String(MARKERS.lat),
    String(MARKERS.lng),
    f64(MARKERS.lat),
    f64(MARKERS.lng),
  ];
}

/** A service of the cluster: reads accepted commands from its queue and publishes through the hub. */
@Injectable()
class Kitchen {
  readonly seen: string[] = [];
  constructor(private readonly broadcaster: Broadcaster) {}

  @OnClientCommand('order.place')
  async onPlace(command: ClientCommand<'order.place'>): Promise<void> {
    this.seen.push(command.data.deliveryAddress?.line1 ?? '');
    await this.broadcaster.publish({
      type: 'notification',
      tenantId: command.tenantId,
      data: { level: 'info', message: `Zq7Service for ${command.data.deliveryAddress?.line1}` },
      to: { userIds: [command.user.id] },
    });
  }
}

async function kitchenService(url: string, prefix: string, dataEncryptionKey: string) {
  @Module({
    imports: [RealtimeModule.forRoot({ serviceId: 'kitchen', redis: { url }, prefix, dataEncryptionKey })],
    providers: [Kitchen],
  })
  class KitchenModule {}
  const app = await NestFactory.createApplicationContext(KitchenModule, {
    logger: false,
    abortOnError: false,
  });
  await app.init();
  return app;
}

describeRedis('personal data sealed everywhere Redis holds it (DATA_ENCRYPTION_KEY, two nodes)', () => {
  it('after a place, a crew note, a cancel with a reason, a relayed position and a failing webhook, no marker is in any key or pub/sub payload', async () => {
    const redis = await startRedis();
    const prefix = redis.prefix();
    const pos = new Receiver();
    await pos.start();
    pos.answer = () => 500; // the webhook fails: its jobs are kept through the retries, then failed
    const key = `k1:${randomBytes(32).toString('base64')}`;
    const env = {
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      DATA_ENCRYPTION_KEY: key,
      WEBHOOK_MAX_ATTEMPTS: '2',
      WEBHOOK_BACKOFF_MS: '50',
      WEBHOOKS: JSON.stringify([
        {
          id: 'pos',
          url: pos.url,
          secret: WEBHOOK_SECRET,
          commands: ['order.place', 'order.cancel', 'order.update_status', 'courier.location'],
          events: ['order.status_updated'],
        },
      ]),
    };
    const node1 = await startHub({ ...env, NODE_ID: 'n1' });
    const node2 = await startHub({ ...env, NODE_ID: 'n2' });
    // Every pub/sub payload, as an eavesdropper on Redis would see it.
    const spy = new Redis(redis.url);
    const heard: string[] = [];
    await spy.psubscribe('*');
    spy.on('pmessageBuffer', (_p: Buffer, _c: Buffer, payload: Buffer) =>
      heard.push(payload.toString('latin1')),
    );
    const reader = new Redis(redis.url);
    // The service gets the cluster's key, as the hubs do (RealtimeModule dataEncryptionKey).
    const kitchen = await kitchenService(redis.url, prefix, key);
    try {
      // The customer on node 1; the crew (with a courier) on node 2: cross-node traffic.
      const customer = await connect(node1, 'customer', 'c-1');
      const crew = await connect(node2, 'crew', 'k-1');
      const courier = await connect(node2, 'crew', 'd-1', { extraClaims: { crewRole: 'courier' } });
      const order = sampleOrder({
        deliveryAddress: { line1: MARKERS.street, city: MARKERS.city },
        notes: MARKERS.notes,
      });
      // The hubs learn of the service's subscription (its registration, then their refresh).
      const { SERVICE_BRIDGE } = await import('../src/engine/engine.tokens.js');
      for (const node of [node1, node2]) {
        const bridge = node.app.get<{ hasSubscribers(t: string): boolean }>(SERVICE_BRIDGE);
        await until(() => bridge.hasSubscribers('order.place'), 10_000);
      }
      const first = await customer.ok('order.place', order);
      // The service read the command (sealed in its queue) and published back (sealed too).
      await customer.waitFor('notification', (e) => String(e.data.message).startsWith('Zq7Service'));
      expect(kitchen.get(Kitchen).seen).toEqual([MARKERS.street]);
      for (const status of ['accepted', 'preparing', 'ready'])
        await crew.ok('order.update_status', { orderId: first.orderId, status, note: MARKERS.crewNote });
      await courier.ok('order.update_status', { orderId: first.orderId, status: 'out_for_delivery' });
      await courier.ok('courier.location', { orderId: first.orderId, lat: MARKERS.lat, lng: MARKERS.lng });
      await customer.waitFor('courier.location', (e) => e.data.lat === MARKERS.lat);
      const second = await customer.ok('order.place', order);
      await customer.ok('order.cancel', { orderId: second.orderId, reason: MARKERS.reason });
      await crew.waitFor('order.status_updated', (e) => e.data.orderId === second.orderId);
      // The webhook's jobs failed their attempts and are kept (failed: 24 h).
      await until(() => pos.got.length >= 2 * 5, 15_000);
      await new Promise((r) => setTimeout(r, 500));
      const { text, types } = await dump(reader, prefix);
      // The dump holds what it should (so the search is not vacuous): keys of every kind the hub
      // writes, the webhook's failed jobs, the sealed values.
      for (const type of ['string', 'hash', 'zset', 'stream'])
        expect([type, types.has(type)]).toEqual([type, true]);
      expect(text).toContain(`${prefix}:bull:webhooks-pos`);
      expect(text).toContain(`${prefix}:bull:commands-order.place@kitchen`);
      expect(text).toContain(`${prefix}:bull:publish`);
      expect(text).toContain('enc:v1:k1:');
      expect(heard.length).toBeGreaterThan(0);
      const all = `${text}\n${heard.join('\n')}`;
      const found = needles().filter((n) => all.includes(n));
      expect(found).toEqual([]);
      for (const c of [customer, crew, courier]) c.close();
    } finally {
      await kitchen.close();
      spy.disconnect();
      reader.disconnect();
      await node1.close();
      await node2.close();
      await pos.stop();
      await redis.stop();
    }
  }, 60_000);
});
