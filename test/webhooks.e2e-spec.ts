import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { configWarnings } from '../src/config/config-warnings.js';
import { loadConfig } from '../src/config/load-config.js';
import { connect, sampleOrder, type TestClient } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeEngines } from './support/redis.js';
import { mintToken } from './support/tokens.js';
import { Receiver, until, WEBHOOK_SECRET } from './support/webhook-receiver.js';

const SECRET = WEBHOOK_SECRET;

function webhooksSuite(engine: string, env: () => Record<string, string>): void {
  describe(`webhooks (${engine} engine)`, () => {
    const pos = new Receiver();
    const other = new Receiver();
    let hub: TestHub;
    let admin: TestClient;
    beforeAll(async () => {
      await pos.start();
      await other.start();
      hub = await startHub({
        ...env(),
        WEBHOOK_MAX_ATTEMPTS: '3',
        WEBHOOK_BACKOFF_MS: '50',
        WEBHOOK_TIMEOUT_MS: '1000',
        WEBHOOKS: JSON.stringify([
          {
            id: 'pos',
            url: pos.url,
            secret: SECRET,
            tenants: ['r-1'],
            commands: ['order.place', 'order.cancel'],
            events: ['order.status_updated', 'payment.confirmed'],
          },
          { id: 'r2-pos', url: other.url, secret: SECRET, tenants: ['r-2'], commands: ['order.place'] },
        ]),
      });
      admin = await connect(hub, 'admin', 'a-1');
    });
    afterAll(async () => {
      admin?.close();
      await hub?.close();
      await pos.stop();
      await other.stop();
    });

    it('POSTs accepted commands and chosen events, signed; only to the tenant’s own webhook', async () => {
      const customer = await connect(hub, 'customer', 'c-1');
      const crew = await connect(hub, 'crew', 'k-1');
      const { orderId } = await customer.ok('order.place', sampleOrder({ requestId: 'wh-1' }));
      await crew.ok('order.update_status', { orderId, status: 'accepted' });
      await until(
        () =>
          pos.of('event', 'order.status_updated').length === 1 &&
          pos.of('command', 'order.place').length === 1,
      );
      const [placed] = pos.of('command', 'order.place');
      expect(placed.verified).toBe(true);
      expect(placed.headers['orderwire-webhook-id']).toBe(placed.body.id);
      expect(placed.headers['content-type']).toBe('application/json');
      expect(placed.body).toMatchObject({
        kind: 'command',
        type: 'order.place',
        tenantId: 'r-1',
        data: {
          type: 'order.place',
          tenantId: 'r-1',
          user: { id: 'c-1', role: 'customer', tenantId: 'r-1' },
          requestId: 'wh-1',
          reply: { orderId, status: 'placed' },
        },
      });
      const [status] = pos.of('event', 'order.status_updated');
      expect(status.verified).toBe(true);
      expect(status.body.data).toMatchObject({
        type: 'order.status_updated',
        data: { orderId, status: 'accepted' },
      });
      // Not asked for: update_status commands, order.created events. Another tenant's hook: nothing.
      expect(pos.of('command', 'order.update_status')).toEqual([]);
      expect(pos.of('event', 'order.created')).toEqual([]);
      expect(other.got).toEqual([]);
      // A repeat of the same requestId is the same command: not POSTed twice.
      await customer.ok('order.place', sampleOrder({ requestId: 'wh-1' }));
      await new Promise((r) => setTimeout(r, 200));
      expect(pos.of('command', 'order.place')).toHaveLength(1);
      for (const c of [customer, crew]) c.close();
    });

    it('a platform admin’s cancel reaches the tenant’s webhook, carrying the tenant it acted on', async () => {
      const customer = await connect(hub, 'customer', 'c-pa');
      const platform = await connect(hub, 'admin', 'root', {
        token: mintToken({ sub: 'root', role: 'admin', tenantId: '*' }),
      });
      const { orderId } = await customer.ok('order.place', sampleOrder());
      await platform.ok('order.cancel', { orderId, tenantId: 'r-1', reason: 'duplicate' });
      const mine = () =>
        pos
          .of('command', 'order.cancel')
          .find((c) => (c.body.data as { data: { orderId: string } }).data.orderId === orderId);
      await until(() => mine() !== undefined);
      const cancel = mine()!;
      expect(cancel.body).toMatchObject({
        tenantId: 'r-1',
        data: { tenantId: 'r-1', user: { id: 'root', role: 'admin', tenantId: '*' } },
      });
      expect(other.of('command', 'order.cancel')).toEqual([]);
      for (const c of [customer, platform]) c.close();
    });

    it('retries after a 500 with the same delivery id, freshly signed', async () => {
      const before = pos.got.length;
      pos.answer = (index) => (index === before ? 500 : 200);
      const customer = await connect(hub, 'customer', 'c-2');
      await customer.ok('order.place', sampleOrder());
      await until(() => pos.got.length === before + 2);
      const [first, second] = pos.got.slice(before);
      expect(first.body.id).toBe(second.body.id);
      expect(second.raw).toBe(first.raw);
      expect([first.verified, second.verified]).toEqual([true, true]);
      pos.answer = () => 200;
      customer.close();
    });

    it('dead-letters after the last attempt (or at once on a 4xx); admin.replay delivers it again', async () => {
      const customer = await connect(hub, 'customer', 'c-3');
      pos.answer = () => 503;
      const before = pos.got.length;
      const { orderId } = await customer.ok('order.place', sampleOrder());
      await until(async () => ((await admin.ok('admin.dead_letters', {})).items as unknown[]).length === 1);
      expect(pos.got.length - before).toBe(3); // WEBHOOK_MAX_ATTEMPTS
      const [letter] = (await admin.ok('admin.dead_letters', {})).items as Array<Record<string, unknown>>;
      expect(letter).toMatchObject({
        type: 'order.place',
        tenantId: 'r-1',
        recipients: ['webhook:pos'],
        attempts: 3,
        lastError: 'HTTP 503',
        webhook: { id: 'pos' },
      });
      expect(letter).not.toHaveProperty('webhookBody');

      pos.answer = () => 200;
      const replayedFrom = pos.got.length;
      await admin.ok('admin.replay', { messageId: letter.messageId });
      await until(() => pos.got.length === replayedFrom + 1);
      const replayed = pos.got[replayedFrom];
      expect(replayed.verified).toBe(true);
      expect(replayed.body.id).toBe((letter.webhook as { deliveryId: string }).deliveryId);
      expect((replayed.body.data as { reply: { orderId: string } }).reply.orderId).toBe(orderId);
      expect((await admin.ok('admin.dead_letters', {})).items).toEqual([]);

      // A 4xx is the backend refusing it: no retries.
      pos.answer = () => 422;
      const refusedFrom = pos.got.length;
      await customer.ok('order.place', sampleOrder());
      await until(async () => ((await admin.ok('admin.dead_letters', {})).items as unknown[]).length === 1);
      expect(pos.got.length - refusedFrom).toBe(1);
      const [refused] = (await admin.ok('admin.dead_letters', {})).items as Array<Record<string, unknown>>;
      expect(refused).toMatchObject({ attempts: 1, lastError: 'HTTP 422' });
      pos.answer = () => 200;
      await admin.ok('admin.replay', { messageId: refused.messageId });
      await until(async () => ((await admin.ok('admin.dead_letters', {})).items as unknown[]).length === 0);
      customer.close();
    }, 20_000);

    it('a service’s publish of a chosen event type reaches it as an event', async () => {
      const token = mintToken({ sub: 'psp', role: 'service', tenants: ['r-1'] });
      const customer = await connect(hub, 'customer', 'c-4');
      const { orderId } = await customer.ok('order.place', sampleOrder());
      await until(() =>
        pos.got.some((g) => (g.body.data as { reply?: { orderId: string } }).reply?.orderId === orderId),
      );
      await request(hub.app.getHttpServer())
        .post('/api/v1/events')
        .set('Authorization', `Bearer ${token}`)
        .send({
          type: 'payment.confirmed',
          tenantId: 'r-1',
          data: { orderId, amount: 1700, currency: 'EUR', method: 'card' },
        })
        .expect(202);
      await until(() => pos.of('event', 'payment.confirmed').length === 1);
      expect(pos.of('event', 'payment.confirmed')[0].body.data).toMatchObject({
        type: 'payment.confirmed',
        sender: { id: 'psp', type: 'service' },
        data: { orderId, amount: 1700 },
      });
      customer.close();
    });
  });
}

describeEngines('webhooks', webhooksSuite);

describe('WEBHOOKS settings', () => {
  const base = { JWT_SECRET: 'x'.repeat(32) };
  const hook = { id: 'pos', url: 'https://pos.example/hook', secret: SECRET, commands: ['order.place'] };
  const refused = (hooks: unknown) => () => loadConfig({ ...base, WEBHOOKS: JSON.stringify(hooks) });

  it('takes a valid list and refuses what would be unsafe or unknown, naming the entry', () => {
    expect(loadConfig({ ...base, WEBHOOKS: JSON.stringify([hook]) }).webhooks.hooks).toEqual([
      { ...hook, commands: ['order.place'], events: [], decides: [], onFailure: 'reject' },
    ]);
    expect(() => loadConfig({ ...base, WEBHOOKS: '{not json' })).toThrow(/WEBHOOKS: not JSON/);
    expect(refused([{ ...hook, secret: 'short' }])).toThrow(/WEBHOOKS\[0\]\.secret/);
    expect(refused([{ ...hook, url: 'ftp://x/y' }])).toThrow(/WEBHOOKS\[0\]\.url/);
    expect(refused([{ ...hook, url: 'https://user:pw@x/y' }])).toThrow(/WEBHOOKS\[0\]\.url/);
    expect(refused([{ ...hook, commands: ['admin.audit'] }])).toThrow(/WEBHOOKS\[0\]\.commands/);
    expect(refused([{ ...hook, events: ['menu.updated'] }])).toThrow(/WEBHOOKS\[0\]\.events/);
    expect(refused([{ ...hook, tenants: ['a b'] }])).toThrow(/WEBHOOKS\[0\]\.tenants/);
    expect(refused([{ ...hook, commands: [] }])).toThrow(/commands, events or decides/);
    expect(refused([{ ...hook, decides: ['order.cancel'] }])).toThrow(
      /WEBHOOKS\[0\]\.decides: .*\(order\.place\)/,
    );
    expect(refused([{ ...hook, decides: ['order.place'], onFailure: 'maybe' }])).toThrow(
      /WEBHOOKS\[0\]\.onFailure/,
    );
    const decider = {
      id: 'gate',
      url: hook.url,
      secret: SECRET,
      decides: ['order.place'],
      onFailure: 'accept',
    };
    expect(loadConfig({ ...base, WEBHOOKS: JSON.stringify([decider]) }).webhooks.hooks).toEqual([
      { ...decider, commands: [], events: [] },
    ]);
    expect(refused([hook, hook])).toThrow(/unique/);
    expect(refused([{ ...hook, id: 'has.dot' }])).toThrow(/WEBHOOKS\[0\]\.id/);
    expect(refused([{ ...hook, headers: { x: 1 } }])).toThrow(/not headers/);
    expect(refused(Array.from({ length: 101 }, (_, i) => ({ ...hook, id: `h${i}` })))).toThrow(/at most 100/);
  });

  it('warns at boot about plain http in production and about the memory engine losing unsent deliveries', () => {
    // Secrets of this run's: production refuses any the repository ships (known-secrets.ts).
    const random = (): string => randomBytes(32).toString('hex');
    const env = {
      JWT_SECRET: random(),
      NODE_ENV: 'production',
      CORS_ORIGINS: 'https://app.example',
      METRICS_TOKEN: random(),
      WEBHOOKS: JSON.stringify([{ ...hook, secret: random(), url: 'http://pos.internal:8080/hook' }]),
    };
    expect(configWarnings(loadConfig(env), env)).toEqual([
      'webhook pos posts to pos.internal:8080 over plain http: commands and order data in clear',
      'webhooks on the memory engine: deliveries not yet sent are lost if this process stops',
    ]);
  });
});
