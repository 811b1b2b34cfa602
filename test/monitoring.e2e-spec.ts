import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { connect, sampleOrder, type TestClient } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';

describe('health, metrics and the admin feed', () => {
  let hub: TestHub;
  let admin: TestClient;
  beforeAll(async () => {
    hub = await startHub({ METRICS_INTERVAL_MS: '200' });
    admin = await connect(hub, 'admin', 'a-1');
  });
  afterAll(async () => {
    admin.close();
    await hub.close();
  });

  it('GET /health/live and /health/ready answer 200', async () => {
    const live = await request(hub.app.getHttpServer()).get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    const ready = await request(hub.app.getHttpServer()).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
  });

  it('admins get presence.changed and activity.log as people come and go', async () => {
    const presence = admin.next('presence.changed', (e) => (e.data.online as { crew: number }).crew === 1);
    const activity = admin.next(
      'activity.log',
      (e) => e.data.userId === 'k-1' && e.data.action === 'connected',
    );
    const crew = await connect(hub, 'crew', 'k-1');
    expect((await presence).data).toEqual({ tenantId: 'r-1', online: { customer: 0, crew: 1, admin: 1 } });
    expect((await activity).data).toMatchObject({ role: 'crew', at: expect.any(String) });
    expect((await presence).requiresAck).toBeUndefined();
    const left = admin.next(
      'activity.log',
      (e) => e.data.userId === 'k-1' && e.data.action === 'disconnected',
    );
    crew.close();
    await left;
  });

  it('system.metrics arrives every METRICS_INTERVAL_MS with deliveries and p99 latency', async () => {
    const crew = await connect(hub, 'crew', 'k-2');
    const customer = await connect(hub, 'customer', 'c-1');
    for (let i = 0; i < 5; i++) await customer.ok('order.place', sampleOrder());
    await crew.waitFor('order.created', () => crew.of('order.created').length === 5);
    const m = await admin.next('system.metrics', (e) => (e.data.messagesPerSecond as number) > 0, 3000);
    expect(m.data).toMatchObject({
      scope: 'r-1',
      connections: { customer: 1, crew: 1, admin: 1, total: 3 },
      deadLetters: 0,
      queueDepth: expect.any(Number),
      eventLoopDelayP99Ms: expect.any(Number),
    });
    expect(m.data.eventLoopDelayP99Ms).toBeGreaterThanOrEqual(0);
    expect(m.data.deliveryLatencyP99Ms).toEqual(expect.any(Number));
    crew.close();
    customer.close();
  });

  it('/metrics exposes the orderwire_ series in Prometheus format', async () => {
    const res = await request(hub.app.getHttpServer()).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    for (const series of [
      'orderwire_connections{namespace="admin"} 1',
      'orderwire_commands_total{type="order.place",result="ok"} 5',
      'orderwire_messages_delivered_total{type="order.created"}',
      'orderwire_delivery_latency_seconds_bucket',
      'orderwire_delivery_retries_total',
      'orderwire_dead_letters_total',
      'orderwire_rate_limited_total',
      'orderwire_auth_failures_total',
      'orderwire_handshake_duration_seconds_count',
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(res.text).toContain(series);
    }
  });
});
