import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { connect, type TestClient } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeEngines } from './support/redis.js';
import { mintToken } from './support/tokens.js';

const MENU = {
  currency: 'EUR',
  items: [{ sku: 'burger', name: 'Burger', price: 850, available: true }],
};
const BURGER = { items: [{ sku: 'burger', quantity: 2 }], fulfillment: 'pickup' };

function publish(hub: TestHub, body: Record<string, unknown>) {
  return request(hub.app.getHttpServer())
    .post('/api/v1/events')
    .set('Authorization', `Bearer ${mintToken({ sub: 'pos', role: 'service', tenants: ['*'] })}`)
    .send(body);
}

type BoardOrder = Record<string, unknown> & { orderId: string };
async function boardOf(hub: TestHub, role: 'crew' | 'customer', sub: string, tenantId = 'r-1') {
  const c = await connect(hub, role, sub, { tenantId });
  const orders = (await c.waitFor('order.board')).data.orders as BoardOrder[];
  c.close();
  return orders;
}

/** Order numbers, payment state and ETA on one hub; `env` chooses the engine. */
function lifecycleSuite(engine: string, env: () => Record<string, string>): void {
  describe(`the order lifecycle (${engine} engine)`, () => {
    let hub: TestHub;
    let customer: TestClient;
    let kitchen: TestClient;
    beforeAll(async () => {
      hub = await startHub(env());
      for (const tenantId of ['r-1', 'r-paid']) {
        const settings =
          tenantId === 'r-paid' ? { paymentBeforeAccept: true, timezone: 'Europe/Lisbon' } : {};
        expect(
          (await publish(hub, { type: 'menu.updated', tenantId, data: { ...MENU, settings } })).status,
        ).toBe(202);
      }
      customer = await connect(hub, 'customer', 'c-1');
      kitchen = await connect(hub, 'crew', 'k-1', { extraClaims: { crewRole: 'kitchen' } });
      await customer.waitFor('menu.updated');
    });
    afterAll(async () => {
      customer?.close();
      kitchen?.close();
      await hub?.close();
    });

    it('every order gets the next short number of its tenant, in the reply, order.created and the board', async () => {
      const first = await customer.ok('order.place', BURGER);
      const second = await customer.ok('order.place', BURGER);
      expect([first.orderNumber, second.orderNumber]).toEqual(['A-001', 'A-002']);
      const created = await kitchen.waitFor(
        'order.created',
        (e) => (e.data.order as BoardOrder).orderId === second.orderId,
      );
      expect(created.data.order).toMatchObject({ orderNumber: 'A-002', payment: { status: 'pending' } });
      const board = await boardOf(hub, 'crew', 'k-board');
      expect(board.map((o) => o.orderNumber)).toEqual(expect.arrayContaining(['A-001', 'A-002']));
      // A retry of the same orderId takes no number.
      const retried = await customer.ok('order.place', { ...BURGER, orderId: 'same' });
      expect(await customer.ok('order.place', { ...BURGER, orderId: 'same' })).toEqual(retried);
      expect((await customer.ok('order.place', BURGER)).orderNumber).toBe('A-004');
      // Another restaurant counts on its own.
      const elsewhere = await connect(hub, 'customer', 'c-9', { tenantId: 'r-paid' });
      expect((await elsewhere.ok('order.place', BURGER)).orderNumber).toBe('A-001');
      elsewhere.close();
    });

    it('payment events set order.payment on the board: paid, then refunded; failed on another', async () => {
      const { orderId } = await customer.ok('order.place', BURGER);
      const paid = customer.next('payment.confirmed', (e) => e.data.orderId === orderId);
      expect(
        (
          await publish(hub, {
            type: 'payment.confirmed',
            tenantId: 'r-1',
            data: { orderId, amount: 1700, currency: 'EUR', method: 'card' },
          })
        ).status,
      ).toBe(202);
      await paid;
      let mine = (await boardOf(hub, 'customer', 'c-1')).find((o) => o.orderId === orderId);
      expect(mine?.payment).toMatchObject({ status: 'paid', amount: 1700, currency: 'EUR', method: 'card' });

      const refunded = customer.next('payment.refunded', (e) => e.data.orderId === orderId);
      await publish(hub, {
        type: 'payment.refunded',
        tenantId: 'r-1',
        data: { orderId, amount: 1700, currency: 'EUR', reason: 'cold fries' },
      });
      expect((await refunded).data).toMatchObject({ amount: 1700, reason: 'cold fries' });
      mine = (await boardOf(hub, 'crew', 'k-2')).find((o) => o.orderId === orderId);
      expect(mine?.payment).toMatchObject({ status: 'refunded', amount: 1700, reason: 'cold fries' });

      const other = await customer.ok('order.place', BURGER);
      const failed = kitchen.next('payment.failed', (e) => e.data.orderId === other.orderId);
      await publish(hub, {
        type: 'payment.failed',
        tenantId: 'r-1',
        data: { orderId: other.orderId, reason: 'declined' },
      });
      await failed;
      mine = (await boardOf(hub, 'crew', 'k-3')).find((o) => o.orderId === other.orderId);
      expect(mine?.payment).toMatchObject({ status: 'failed', reason: 'declined' });
      // Bad input: an unknown payment field, a negative amount.
      expect(
        (await publish(hub, { type: 'payment.failed', tenantId: 'r-1', data: { orderId, card: '4242' } }))
          .status,
      ).toBe(400);
      expect(
        (
          await publish(hub, {
            type: 'payment.refunded',
            tenantId: 'r-1',
            data: { orderId, amount: -1, currency: 'EUR' },
          })
        ).status,
      ).toBe(400);
    });

    it('ETA given by crew reaches the customer (etaMinutes and etaAt) and the board', async () => {
      const { orderId } = await customer.ok('order.place', BURGER);
      const heard = customer.next('order.status_updated', (e) => e.data.orderId === orderId);
      const before = Date.now();
      await kitchen.ok('order.update_status', { orderId, status: 'accepted', etaMinutes: 15 });
      const update = (await heard).data as { etaMinutes: number; etaAt: string };
      expect(update.etaMinutes).toBe(15);
      const eta = Date.parse(update.etaAt) - before;
      expect(eta).toBeGreaterThanOrEqual(15 * 60_000 - 1000);
      expect(eta).toBeLessThanOrEqual(15 * 60_000 + 5000);
      const mine = (await boardOf(hub, 'customer', 'c-1')).find((o) => o.orderId === orderId);
      expect(mine).toMatchObject({ status: 'accepted', etaMinutes: 15, etaAt: update.etaAt });
    });

    it('paymentBeforeAccept: crew cannot accept an unpaid order (PAYMENT_REQUIRED); once paid they can', async () => {
      const buyer = await connect(hub, 'customer', 'c-2', { tenantId: 'r-paid' });
      const crew = await connect(hub, 'crew', 'k-9', { tenantId: 'r-paid' });
      const { orderId } = await buyer.ok('order.place', BURGER);
      const refused = await crew.cmd('order.update_status', { orderId, status: 'accepted' });
      expect(refused.error).toMatchObject({ code: 'PAYMENT_REQUIRED', details: { payment: 'pending' } });
      // Rejecting (or cancelling) an unpaid order is still allowed.
      const paid = crew.next('payment.confirmed', (e) => e.data.orderId === orderId);
      await publish(hub, {
        type: 'payment.confirmed',
        tenantId: 'r-paid',
        data: { orderId, amount: 1700, currency: 'EUR', method: 'card' },
      });
      await paid;
      expect(await crew.ok('order.update_status', { orderId, status: 'accepted' })).toMatchObject({
        status: 'accepted',
      });
      const other = await buyer.ok('order.place', BURGER);
      expect(
        await crew.ok('order.update_status', { orderId: other.orderId, status: 'rejected' }),
      ).toMatchObject({
        status: 'rejected',
      });
      buyer.close();
      crew.close();
    });

    it('a payment and status changes racing on one order: neither is lost (compare-and-set on the revision)', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push(String((await customer.ok('order.place', BURGER)).orderId));
      await Promise.all(
        ids.flatMap((orderId) => [
          kitchen.ok('order.update_status', { orderId, status: 'accepted' }),
          publish(hub, {
            type: 'payment.confirmed',
            tenantId: 'r-1',
            data: { orderId, amount: 1700, currency: 'EUR', method: 'card' },
          }).expect(202),
        ]),
      );
      await Promise.all(
        ids.map((orderId) => kitchen.waitFor('payment.confirmed', (e) => e.data.orderId === orderId)),
      );
      const board = await boardOf(hub, 'crew', 'k-race');
      for (const orderId of ids) {
        expect(board.find((o) => o.orderId === orderId)).toMatchObject({
          status: 'accepted',
          payment: { status: 'paid' },
        });
      }
    });
  });
}

describeEngines('the order lifecycle', lifecycleSuite, (redisOf) => {
  it('two nodes placing at once: order numbers unique and without gaps', async () => {
    const redis = redisOf();
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix() };
    const a = await startHub({ ...env, NODE_ID: 'num-a' });
    const b = await startHub({ ...env, NODE_ID: 'num-b' });
    try {
      expect((await publish(a, { type: 'menu.updated', tenantId: 'r-1', data: MENU })).status).toBe(202);
      const customers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => connect(i % 2 ? a : b, 'customer', `c-${i}`)),
      );
      await Promise.all(customers.map((c) => c.waitFor('menu.updated', () => true, 8000)));
      const replies = await Promise.all(
        customers.flatMap((c) => Array.from({ length: 5 }, () => c.ok('order.place', BURGER))),
      );
      const numbers = replies.map((r) => String(r.orderNumber)).sort();
      expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => `A-${String(i + 1).padStart(3, '0')}`));
      for (const c of customers) c.close();
    } finally {
      await a.close();
      await b.close();
    }
  }, 30000);
});
