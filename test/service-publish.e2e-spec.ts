import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Broadcaster, RealtimeModule } from '@orderwire/realtime';
import request from 'supertest';
import { connect } from './support/client.js';
import { startHub } from './support/hub.js';
import { describeRedis, startRedis, type TestRedis } from './support/redis.js';
import { mintToken } from './support/tokens.js';

@Injectable()
class Holder {
  constructor(readonly broadcaster: Broadcaster) {}
}

async function serviceApp(url: string, prefix: string): Promise<INestApplicationContext> {
  @Module({
    imports: [RealtimeModule.forRoot({ serviceId: 'billing', redis: { url }, prefix })],
    providers: [Holder],
  })
  class BillingModule {}
  const app = await NestFactory.createApplicationContext(BillingModule, { logger: false });
  await app.init();
  return app;
}

describeRedis('services publishing through the redis engine', () => {
  let redis: TestRedis;
  let prefix: string;
  let service: INestApplicationContext;
  beforeAll(async () => {
    redis = await startRedis();
    prefix = redis.prefix();
    service = await serviceApp(redis.url, prefix);
  });
  afterAll(async () => {
    await service?.close();
    await redis?.stop();
  });

  it('Broadcaster.publish while no hub node runs is delivered once a node starts', async () => {
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: prefix };
    const first = await startHub({ ...env, NODE_ID: 'first' });
    const crew = await connect(first, 'crew', 'k-1');
    const cursor = crew.received[0].data.cursor as string;
    crew.close();
    await first.close();

    const { id } = await service
      .get(Holder)
      .broadcaster.notification(
        'r-1',
        { level: 'warning', message: 'published while every hub was down' },
        { to: { roles: ['crew'] } },
      );
    expect(id).toMatch(/^[0-9A-Z]{26}$/);

    const second = await startHub({ ...env, NODE_ID: 'second' });
    const back = await connect(second, 'crew', 'k-1', { cursor });
    const got = await back.waitFor('notification', (e) => e.id === id, 8000);
    expect(got).toMatchObject({ sender: { id: 'billing', type: 'service' }, requiresAck: true });
    back.close();
    await second.close();
  }, 30000);

  it('the same requestId through HTTP and through the Broadcaster is delivered once, with one id', async () => {
    const hub = await startHub({ REDIS_URL: redis.url, REDIS_PREFIX: prefix, NODE_ID: 'idem' });
    const crew = await connect(hub, 'crew', 'k-2');
    const viaBroadcaster = await service
      .get(Holder)
      .broadcaster.notification(
        'r-1',
        { level: 'info', message: 'once' },
        { to: { roles: ['crew'] }, requestId: 'dup-1' },
      );
    const viaHttp = await request(hub.app.getHttpServer())
      .post('/api/v1/events')
      .set('Authorization', `Bearer ${mintToken({ sub: 'billing', role: 'service', tenants: ['r-1'] })}`)
      .send({
        type: 'notification',
        tenantId: 'r-1',
        data: { level: 'info', message: 'once' },
        to: { roles: ['crew'] },
        requestId: 'dup-1',
      });
    expect(viaHttp.status).toBe(202);
    expect(viaHttp.body.id).toBe(viaBroadcaster.id);
    await crew.waitFor('notification', (e) => e.id === viaBroadcaster.id, 5000);
    // A later message proves the queue moved past both; the duplicate never came.
    const later = await service
      .get(Holder)
      .broadcaster.notification('r-1', { level: 'info', message: 'later' }, { to: { roles: ['crew'] } });
    await crew.waitFor('notification', (e) => e.id === later.id, 5000);
    expect(crew.of('notification').filter((e) => e.data.message === 'once')).toHaveLength(1);
    crew.close();
    await hub.close();
  }, 30000);
});
