import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { connect, sampleOrder, type TestClient } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeEngines } from './support/redis.js';
import { mintToken } from './support/tokens.js';

type Entry = { id: string; action: string; actor: { id: string; type: string }; orderId?: string } & Record<
  string,
  unknown
>;

const MENU = {
  currency: 'EUR',
  items: [
    { sku: 'burger', name: 'Burger', price: 850, available: true },
    { sku: 'fries', name: 'Fries', price: 300, available: true },
  ],
};

function publish(hub: TestHub, body: Record<string, unknown>) {
  return request(hub.app.getHttpServer())
    .post('/api/v1/events')
    .set('Authorization', `Bearer ${mintToken({ sub: 'pos', role: 'service', tenants: ['r-1'] })}`)
    .send(body)
    .expect(202);
}

/** Every page of the trail, newest first. */
async function trail(admin: TestClient, query: Record<string, unknown> = {}): Promise<Entry[]> {
  const all: Entry[] = [];
  let before: string | undefined;
  do {
    const page = await admin.ok('admin.audit', { ...query, limit: 7, ...(before ? { before } : {}) });
    all.push(...(page.items as Entry[]));
    before = page.next as string | undefined;
  } while (before);
  return all;
}

async function until(what: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A scripted shift, then its audit trail (docs/protocol.md section 11). */
function auditSuite(engine: string, env: () => Record<string, string>): void {
  describe(`the audit trail (${engine} engine)`, () => {
    let hub: TestHub;
    let admin: TestClient;
    beforeAll(async () => {
      hub = await startHub({ ...env(), DELIVERY_BACKOFF_MS: '40', DELIVERY_MAX_ATTEMPTS: '2' });
      admin = await connect(hub, 'admin', 'a-1');
    });
    afterAll(async () => {
      admin?.close();
      await hub?.close();
    });

    it('records every action of a shift, who did it, and before → after; admins page and filter it', async () => {
      await publish(hub, { type: 'menu.updated', tenantId: 'r-1', data: MENU });
      const customer = await connect(hub, 'customer', 'c-1');
      await customer.waitFor('menu.updated');
      // Placed while no crew is online: the NO_CREW_ONLINE alert is kept too.
      const first = await customer.ok(
        'order.place',
        sampleOrder({ items: [{ sku: 'burger', quantity: 2 }] }),
      );
      await admin.waitFor('system.alert', (e) => e.data.code === 'NO_CREW_ONLINE');
      const kitchen = await connect(hub, 'crew', 'k-1', { extraClaims: { crewRole: 'kitchen' } });
      const courier = await connect(hub, 'crew', 'd-1', { extraClaims: { crewRole: 'courier' } });
      const orderId = first.orderId;
      await kitchen.ok('order.update_status', { orderId, status: 'accepted', etaMinutes: 20 });
      await kitchen.ok('order.update_status', { orderId, status: 'preparing' });
      await kitchen.ok('menu.set_availability', { sku: 'fries', available: false });
      // A publish is queued (202), then applied: wait for the customer to hear it, so the trail's
      // order is the script's.
      const paid = customer.next('payment.confirmed', (e) => e.data.orderId === orderId);
      await publish(hub, {
        type: 'payment.confirmed',
        tenantId: 'r-1',
        data: { orderId, amount: 1700, currency: 'EUR', method: 'card' },
      });
      await paid;
      await kitchen.ok('order.update_status', { orderId, status: 'ready' });
      await courier.ok('order.update_status', { orderId, status: 'out_for_delivery' });
      await courier.ok('order.update_status', { orderId, status: 'delivered' });
      const second = await customer.ok(
        'order.place',
        sampleOrder({ items: [{ sku: 'burger', quantity: 1 }] }),
      );
      await customer.ok('order.cancel', { orderId: second.orderId, reason: 'changed my mind' });
      const refunded = customer.next('payment.refunded', (e) => e.data.orderId === second.orderId);
      await publish(hub, {
        type: 'payment.refunded',
        tenantId: 'r-1',
        data: { orderId: second.orderId, amount: 850, currency: 'EUR' },
      });
      await refunded;
      await admin.ok('admin.announce', { audience: ['crew'], level: 'info', message: 'close at 11' });
      // A crew member who never acknowledges: a dead letter, which the admin replays.
      const silent = await connect(hub, 'crew', 'k-silent', { autoAck: false });
      await admin.ok('admin.announce', { audience: ['crew'], level: 'warning', message: 'fryer 2 is down' });
      const failed = await admin.waitFor('system.alert', (e) => e.data.code === 'DELIVERY_FAILED');
      silent.autoAck = true;
      await admin.ok('admin.replay', { messageId: (failed.data.details as { messageId: string }).messageId });
      await admin.ok('admin.disconnect', { userId: 'k-silent', reason: 'end of shift' });

      const expected = [
        'menu.updated',
        'order.place',
        'alert',
        'order.update_status',
        'order.update_status',
        'menu.set_availability',
        'payment.confirmed',
        'order.update_status',
        'order.update_status',
        'order.update_status',
        'order.place',
        'order.cancel',
        'payment.refunded',
        'admin.announce',
        'admin.announce',
        'alert',
        'admin.replay',
        'admin.disconnect',
      ];
      let entries: Entry[] = [];
      await until(async () => (entries = await trail(admin)).length >= expected.length);
      expect(entries.map((e) => e.action).reverse()).toEqual(expected);
      const ids = entries.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);

      const life = (await trail(admin, { orderId })).reverse();
      expect(life.map((e) => [e.action, e.actor.id, e.before, e.after])).toEqual([
        [
          'order.place',
          'c-1',
          undefined,
          expect.objectContaining({ status: 'placed', orderNumber: 'A-001', total: 1700 }),
        ],
        ['order.update_status', 'k-1', { status: 'placed' }, { status: 'accepted', etaMinutes: 20 }],
        ['order.update_status', 'k-1', { status: 'accepted' }, { status: 'preparing' }],
        [
          'payment.confirmed',
          'pos',
          { payment: 'pending' },
          expect.objectContaining({ payment: 'paid', amount: 1700 }),
        ],
        ['order.update_status', 'k-1', { status: 'preparing' }, { status: 'ready' }],
        ['order.update_status', 'd-1', { status: 'ready' }, { status: 'out_for_delivery' }],
        ['order.update_status', 'd-1', { status: 'out_for_delivery' }, { status: 'delivered' }],
      ]);
      expect(life[0].actor).toEqual({ id: 'c-1', type: 'customer' });
      expect(life[5].actor).toEqual({ id: 'd-1', type: 'crew', crewRole: 'courier' });

      const aboutSilent = await trail(admin, { userId: 'k-silent' });
      expect(aboutSilent.map((e) => e.action)).toEqual(['admin.disconnect']);
      expect(aboutSilent[0]).toMatchObject({ details: { reason: 'end of shift', disconnected: 1 } });
      const alerts = await trail(admin, { action: 'alert' });
      expect(alerts.map((e) => (e.details as { code: string }).code)).toEqual([
        'DELIVERY_FAILED',
        'NO_CREW_ONLINE',
      ]);
      const eightySixed = (await trail(admin, { action: 'menu.set_availability' }))[0];
      expect(eightySixed).toMatchObject({
        before: { available: true },
        after: { available: false },
        details: { sku: 'fries' },
      });
      for (const c of [customer, kitchen, courier]) c.close();
    }, 30_000);

    it('is the tenant’s own: other tenants see none of it; crew and customers may not page it; bad cursors are refused', async () => {
      const other = await connect(hub, 'admin', 'a-2', { tenantId: 'r-2' });
      expect((await other.ok('admin.audit', {})).items).toEqual([]);
      expect((await other.cmd('admin.audit', { tenantId: 'r-1' })).error?.code).toBe('FORBIDDEN');
      const platform = await connect(hub, 'admin', 'root', { tenantId: '*' });
      expect((await platform.cmd('admin.audit', {})).error?.code).toBe('VALIDATION_FAILED');
      expect(
        ((await platform.ok('admin.audit', { tenantId: 'r-1', limit: 1 })).items as Entry[]).length,
      ).toBe(1);
      const crew = await connect(hub, 'crew', 'k-9', { extraClaims: { crewRole: 'front' } });
      expect((await crew.cmd('admin.audit', {})).error?.code).toBe('FORBIDDEN');
      for (const bad of [
        { limit: 101 },
        { limit: 0 },
        { before: 'x' },
        { before: '1-2-3' },
        { orderId: 'a b' },
        { action: null },
      ]) {
        expect((await admin.cmd('admin.audit', bad)).error?.code).toBe('VALIDATION_FAILED');
      }
      for (const c of [other, platform, crew]) c.close();
    });
  });
}

describeEngines('the audit trail', auditSuite);
