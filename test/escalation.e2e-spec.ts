import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MovableClock, clockModule } from './support/clock.js';
import { connect, type Envelope, type TestClient } from './support/client.js';
import { publishEvent } from './support/publish.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeEngines } from './support/redis.js';
import { Receiver, until, WEBHOOK_SECRET } from './support/webhook-receiver.js';

/** Tokens that outlive the minutes the tests move the hub's clock by (the session guard reads it). */
const LONG = { exp: Math.floor(Date.now() / 1000) + 80_000 };
const NOT_RESPONDED = 'The restaurant did not respond in time.';

const pickup = (orderId: string) => ({
  orderId,
  items: [{ sku: 'burger', quantity: 1 }],
  fulfillment: 'pickup',
});
const aboutOrder = (orderId: string) => (e: Envelope) =>
  (e.data.order as { orderId?: string } | undefined)?.orderId === orderId || e.data.orderId === orderId;

/**
 * Escalation by acknowledgement (docs/protocol.md section 14): one crew device that never
 * acknowledges and one that does; the hub's clock moved, never slept on (each step is taken by
 * the once-a-second sweep after its time).
 */
function escalationSuite(engine: string, env: () => Record<string, string>): void {
  describe(`escalation by acknowledgement (${engine} engine)`, () => {
    const clock = new MovableClock();
    const hooks = new Receiver(WEBHOOK_SECRET);
    let hub: TestHub;
    let customer: TestClient;
    let deaf: TestClient;
    let admin: TestClient;

    beforeAll(async () => {
      await hooks.start();
      hub = await startHub(
        {
          ...env(),
          WEBHOOKS: JSON.stringify([
            {
              id: 'pos',
              url: hooks.url,
              secret: WEBHOOK_SECRET,
              tenants: ['r-1'],
              events: ['order.created'],
            },
          ]),
        },
        { imports: [clockModule(clock)] },
      );
      const menu = {
        currency: 'EUR',
        items: [{ sku: 'burger', name: 'Burger', price: 850, available: true }],
        settings: { ackEscalateSeconds: 30, autoRejectAfterSeconds: 120 },
      };
      const published = await publishEvent(hub, 'r-1', 'menu.updated', menu);
      expect(published.status).toBe(202);
      customer = await connect(hub, 'customer', 'c-1', { extraClaims: LONG });
      admin = await connect(hub, 'admin', 'a-1', { extraClaims: LONG });
      await customer.waitFor('menu.updated');
      // A kitchen screen that receives everything and acknowledges nothing (its app is stuck).
      deaf = await connect(hub, 'crew', 'k-deaf', {
        autoAck: false,
        extraClaims: { ...LONG, crewRole: 'kitchen' },
      });
    }, 30_000);
    afterAll(async () => {
      for (const c of [customer, deaf, admin]) c?.close();
      await hub?.close();
      await hooks.stop();
    });

    it('an order no device acknowledged goes out again urgent, admins are told who is online; a seen one does not', async () => {
      // o-seen: a working screen is on and acknowledges it; then it goes off.
      const working = await connect(hub, 'crew', 'k-ok', { extraClaims: { ...LONG, crewRole: 'front' } });
      await customer.ok('order.place', pickup('o-seen'));
      await working.waitFor('order.created', aboutOrder('o-seen'));
      working.close();
      // o-lost: only the stuck screen is on.
      await customer.ok('order.place', pickup('o-lost'));
      await deaf.waitFor('order.created', aboutOrder('o-lost'));
      await customer.ok('order.place', pickup('o-taken'));
      await admin.ok('order.update_status', { orderId: 'o-taken', status: 'accepted' });
      clock.advance(31_000);
      // The sweep takes the steps in time order: o-seen's (nothing to do) came before o-lost's.
      const alert = await admin.waitFor('system.alert', (e) => e.data.code === 'ORDER_NOT_SEEN', 5000);
      expect(alert.data).toMatchObject({
        severity: 'critical',
        details: {
          orderId: 'o-lost',
          orderNumber: expect.any(String),
          seconds: expect.any(Number),
          crewOnline: [{ userId: 'k-deaf', crewRole: 'kitchen' }],
        },
      });
      expect((alert.data.details as { seconds: number }).seconds).toBeGreaterThanOrEqual(30);
      const urgent = await deaf.waitFor(
        'order.created',
        (e) => aboutOrder('o-lost')(e) && e.data.urgent === true,
      );
      const first = deaf.of('order.created').find(aboutOrder('o-lost'))!;
      expect(urgent.id).not.toBe(first.id);
      expect(urgent.requiresAck).toBe(true);
      await admin.waitFor('order.created', (e) => aboutOrder('o-lost')(e) && e.data.urgent === true);
      // Not to the customer, not for the seen or the accepted order, and not as a new order to webhooks.
      expect(customer.of('order.created').filter((e) => e.data.urgent)).toHaveLength(0);
      const urgentOf = (id: string) =>
        deaf.of('order.created').filter((e) => aboutOrder(id)(e) && e.data.urgent);
      expect([urgentOf('o-seen'), urgentOf('o-taken')]).toEqual([[], []]);
      expect(
        admin
          .of('system.alert')
          .filter((e) => e.data.code === 'ORDER_NOT_SEEN')
          .map((e) => e.data.details),
      ).toEqual([expect.objectContaining({ orderId: 'o-lost' })]);
      // An order placed after the reminder: once the webhook has it, the reminder (queued before
      // it) would have been handed on too, had it been.
      await customer.ok('order.place', pickup('o-after'));
      await until(() =>
        hooks.of('event', 'order.created').some((g) => JSON.stringify(g.body).includes('"o-after"')),
      );
      expect(
        hooks.of('event', 'order.created').filter((g) => JSON.stringify(g.body).includes('urgent')),
      ).toEqual([]);
    });

    it('at autoRejectAfterSeconds an order still placed is rejected by the hub with a reason the customer reads', async () => {
      clock.advance(90_000);
      const rejected = await customer.waitFor(
        'order.status_updated',
        (e) => e.data.orderId === 'o-lost' && e.data.status === 'rejected',
        5000,
      );
      expect(rejected.data).toMatchObject({
        previousStatus: 'placed',
        note: NOT_RESPONDED,
        updatedBy: { id: 'hub', type: 'system' },
      });
      // o-seen was never accepted either: seen or not, no answer in time is a rejection.
      await customer.waitFor(
        'order.status_updated',
        (e) => e.data.orderId === 'o-seen' && e.data.status === 'rejected',
      );
      expect(
        customer
          .of('order.status_updated')
          .filter((e) => e.data.orderId === 'o-taken')
          .map((e) => e.data.status),
      ).toEqual(['accepted']);
      const audit = await admin.ok('admin.audit', { orderId: 'o-lost', action: 'order.auto_rejected' });
      expect(audit.items).toEqual([
        expect.objectContaining({ actor: { id: 'hub', type: 'system' }, after: { status: 'rejected' } }),
      ]);
    });
  });
}

describeEngines('escalation', escalationSuite);
