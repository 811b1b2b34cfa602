import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { type Child, startChild } from './support/child.js';
import { MovableClock, clockModule } from './support/clock.js';
import { connect, type Envelope, type TestClient } from './support/client.js';
import { publishEvent } from './support/publish.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeEngines, type TestRedis } from './support/redis.js';
import { TEST_SECRET } from './support/tokens.js';
import { until } from './support/webhook-receiver.js';

const MIN = 60_000;
/** Tokens that outlive the hours the tests move the hub's clock by (the session guard reads it). */
const LONG = { exp: Math.floor(Date.now() / 1000) + 80_000 };
const as = (
  hub: { url: string; config: TestHub['config'] },
  role: 'customer' | 'crew' | 'admin',
  sub: string,
  claims = {},
) => connect(hub as TestHub, role, sub, { extraClaims: { ...LONG, ...claims } });
const iso = (t: number) => new Date(t).toISOString();
const later = (scheduledFor: string, extra: Record<string, unknown> = {}) => ({
  items: [{ sku: 'burger', quantity: 1 }],
  fulfillment: 'pickup',
  scheduledFor,
  ...extra,
});
const statusesOf = (c: TestClient, orderId: unknown) =>
  c
    .of('order.status_updated')
    .filter((e) => e.data.orderId === orderId)
    .map((e) => e.data.status);

/** Lunch 11:00-15:00 and dinner 18:00-23:00 every day, in Lisbon; 20 minutes of prep. */
const hours = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [
    d,
    [
      { open: '11:00', close: '15:00' },
      { open: '18:00', close: '23:00' },
    ],
  ]),
);
const MENU = {
  currency: 'EUR',
  items: [{ sku: 'burger', name: 'Burger', price: 850, available: true }],
  settings: { timezone: 'Europe/Lisbon', prepMinutes: 20, hours: { weekly: hours } },
};
const publishMenu = (hub: TestHub, data: unknown = MENU) => publishEvent(hub, 'r-1', 'menu.updated', data);

/** Scheduled orders (docs/protocol.md section 13) on one hub; `env` chooses the engine. */
function scheduledSuite(engine: string, env: () => Record<string, string>): void {
  describe(`scheduled orders (${engine} engine)`, () => {
    const clock = new MovableClock();
    let hub: TestHub;
    let customer: TestClient;
    let kitchen: TestClient;
    let front: TestClient;
    let admin: TestClient;
    beforeAll(async () => {
      // Tuesday 2026-03-10, 10:00 in Lisbon (UTC+0 until the end of March): before lunch.
      clock.set(Date.parse('2026-03-10T10:00:00Z'));
      hub = await startHub(
        { ...env(), MAX_SCHEDULED_ORDERS_PER_TENANT: '3', ORDER_ACCEPT_SLA_SECONDS: '1' },
        { imports: [clockModule(clock)] },
      );
      expect((await publishMenu(hub)).status).toBe(202);
      customer = await as(hub, 'customer', 'c-1');
      kitchen = await as(hub, 'crew', 'k-1', { crewRole: 'kitchen' });
      front = await as(hub, 'crew', 'f-1', { crewRole: 'front' });
      admin = await as(hub, 'admin', 'a-1');
      await customer.waitFor('menu.updated');
    });
    afterAll(async () => {
      for (const c of [customer, kitchen, front, admin]) c?.close();
      await hub?.close();
    });

    it('is stored and numbered at once as scheduled, and fires to placed at its time minus the prep time, once', async () => {
      // Ready at 12:20:00.3: it fires 20 minutes before, 300 ms from now on the hub's clock.
      clock.set(Date.parse('2026-03-10T12:00:00Z'));
      const scheduledFor = iso(clock.now() + 20 * MIN + 300);
      const created = kitchen.next('order.created');
      const reply = await customer.ok('order.place', later(scheduledFor));
      expect(reply).toMatchObject({ status: 'scheduled', orderNumber: expect.stringMatching(/^A-\d{3}$/) });
      const order = (await created).data.order as Record<string, unknown>;
      expect(order).toMatchObject({
        status: 'scheduled',
        scheduledFor,
        fireAt: iso(Date.parse(scheduledFor) - 20 * MIN),
        etaAt: scheduledFor,
        etaMinutes: 20,
      });
      // It fires by itself: the status goes to everyone, from the hub.
      const fired = await Promise.all(
        [customer, kitchen, admin].map((c) =>
          c.next('order.status_updated', (e) => e.data.orderId === reply.orderId, 8000),
        ),
      );
      for (const e of fired) {
        expect(e.data).toMatchObject({ status: 'placed', previousStatus: 'scheduled' });
        expect(e.sender).toEqual({ id: 'hub', type: 'system' });
      }
      // Its acceptance clock starts now: ORDER_NOT_ACCEPTED after ORDER_ACCEPT_SLA_SECONDS (1 s).
      const alert = await admin.next(
        'system.alert',
        (e) => (e.data.details as { orderId?: string }).orderId === reply.orderId,
        8000,
      );
      expect(alert.data).toMatchObject({ code: 'ORDER_NOT_ACCEPTED' });
      await kitchen.ok('order.update_status', { orderId: reply.orderId, status: 'accepted' });
      expect(statusesOf(customer, reply.orderId)).toEqual(['placed', 'accepted']);
    });

    it('the crew board holds scheduled orders with their fire time; a busy kitchen fires them earlier', async () => {
      clock.set(Date.parse('2026-03-10T12:00:00Z'));
      await front.ok('store.set_status', { status: 'busy', extraPrepMinutes: 10 });
      const scheduledFor = '2026-03-10T19:00:00.000Z';
      const { orderId } = await customer.ok('order.place', later(scheduledFor));
      await front.ok('store.set_status', { status: 'open' });
      const board = await as(hub, 'crew', 'k-2', { crewRole: 'kitchen' });
      const orders = (await board.waitFor('order.board')).data.orders as Array<Record<string, unknown>>;
      expect(orders.find((o) => o.orderId === orderId)).toMatchObject({
        status: 'scheduled',
        fireAt: '2026-03-10T18:30:00.000Z',
        etaMinutes: 30,
      });
      board.close();
      // The customer cancels it before it fires: cancelled, and it never fires.
      expect(await customer.ok('order.cancel', { orderId })).toEqual({ orderId, status: 'cancelled' });
    });

    it('is taken while the store is closed (for later), but not outside the hours, in the past, too soon or too far', async () => {
      clock.set(Date.parse('2026-03-10T16:00:00Z')); // 16:00: between lunch and dinner
      const closed = await customer.cmd('order.place', {
        items: [{ sku: 'burger', quantity: 1 }],
        fulfillment: 'pickup',
      });
      expect(closed.error?.code).toBe('STORE_CLOSED');
      const dinner = await customer.ok('order.place', later('2026-03-10T19:30:00Z'));
      expect(dinner.status).toBe('scheduled');
      await customer.ok('order.cancel', { orderId: dinner.orderId });
      const why = async (scheduledFor: unknown) => {
        const reply = await customer.cmd('order.place', later(scheduledFor as string));
        expect(reply.error?.code).toBe('VALIDATION_FAILED');
        const [f] = reply.error!.details!.fields as Array<{ field: string; messages: string[] }>;
        expect(f.field).toBe('scheduledFor');
        return f.messages;
      };
      expect(await why('2026-03-10T15:00:00Z')).toContain('scheduledFor is in the past');
      expect(await why('2026-03-10T16:10:00Z')).toContain('scheduledFor must be at least 15 minutes ahead');
      expect(await why('2027-03-10T19:00:00Z')).toContain('scheduledFor may be at most 7 days ahead');
      expect(await why('2026-03-10T16:30:00Z')).toContain('scheduledFor is outside the opening hours');
      expect(await why('2026-03-11T02:00:00Z')).toContain('scheduledFor is outside the opening hours');
      expect(await why('tomorrow at 7')).toContain('scheduledFor must be an ISO 8601 time');
      expect(await why('2026-03-11')).toContain('scheduledFor must have a time of day');
      expect(await why(12)).toContain('scheduledFor must be a string');
    });

    it('at most MAX_SCHEDULED_ORDERS_PER_TENANT wait to fire (LIMIT_REACHED); a cancelled one frees its place', async () => {
      clock.set(Date.parse('2026-03-10T12:00:00Z'));
      const others = await Promise.all(['c-2', 'c-3', 'c-4'].map((c) => as(hub, 'customer', c)));
      const ids: unknown[] = [];
      for (const [i, c] of others.entries())
        ids.push((await c.ok('order.place', later(`2026-03-11T19:0${i}:00Z`))).orderId);
      const refused = await customer.cmd('order.place', later('2026-03-11T20:00:00Z'));
      expect(refused.error).toMatchObject({
        code: 'LIMIT_REACHED',
        details: { scope: 'scheduled', limit: 3 },
      });
      await front.ok('order.cancel', { orderId: ids[0] });
      // The index lets it go once the cancel is carried out (the event runs after the reply).
      await until(async () => (await customer.cmd('order.place', later('2026-03-11T20:00:00Z'))).ok === true);
      for (const id of ids.slice(1)) await front.ok('order.cancel', { orderId: id });
      for (const c of others) c.close();
    });
  });
}

/** The hub's own port, from its start-up banner ("hub ready on …"). */
const portOf = (child: Child) => Number(/hub ready on http:\/\/127\.0\.0\.1:(\d+)/.exec(child.output())![1]);

describeEngines(
  'scheduled orders',
  (engine, env) => scheduledSuite(engine, env),
  (redis: () => TestRedis) => {
    describe('scheduled orders across nodes (redis engine)', () => {
      it('two nodes sweeping at the same start fire an overdue order once', async () => {
        const clock = new MovableClock();
        clock.set(Date.parse('2026-03-10T12:00:00Z'));
        const env = { REDIS_URL: redis().url, REDIS_PREFIX: redis().prefix() };
        const first = await startHub(env, { imports: [clockModule(clock)] });
        expect((await publishMenu(first)).status).toBe(202);
        const customer = await as(first, 'customer', 'c-1');
        const { orderId } = await customer.ok('order.place', later('2026-03-10T19:00:00Z'));
        const cursor = String(customer.of('order.created').at(-1)!.cursor);
        customer.close();
        await first.close();
        // Past its fire time while no node ran: both new nodes find it at start.
        clock.set(Date.parse('2026-03-10T18:45:00Z'));
        const [b, c] = await Promise.all([
          startHub(env, { imports: [clockModule(clock)] }),
          startHub(env, { imports: [clockModule(clock)] }),
        ]);
        try {
          const admin = await as(b, 'admin', 'a-1');
          const fired = async () =>
            (await admin.ok('admin.audit', { orderId, action: 'order.fired' })).items as unknown[];
          await until(async () => (await fired()).length > 0);
          // Both sweeps are done well within this: neither fired a second time.
          await new Promise((r) => setTimeout(r, 300));
          expect(await fired()).toHaveLength(1);
          const back = await connect(c, 'customer', 'c-1', { cursor, extraClaims: LONG });
          await back.waitFor('order.status_updated', (e) => e.data.orderId === orderId);
          expect(statusesOf(back, orderId)).toEqual(['placed']);
          back.close();
          admin.close();
        } finally {
          await b.close();
          await c.close();
        }
      });

      it('two built hubs: the node that took the order is SIGKILLed at its fire time; the other fires it, once', async () => {
        const env = {
          REDIS_URL: redis().url,
          REDIS_PREFIX: redis().prefix(),
          JWT_SECRET: TEST_SECRET,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_FORMAT: 'json',
          SCHEDULE_MIN_LEAD_MINUTES: '0',
        };
        const main = join(import.meta.dirname, '../dist/main.js');
        const [a, b] = await Promise.all([
          startChild(main, env, 'hub ready on'),
          startChild(main, env, 'hub ready on'),
        ]);
        const nodeA = {
          url: `http://127.0.0.1:${portOf(a)}`,
          config: { ws: { path: '/ws' } } as TestHub['config'],
        };
        const nodeB = {
          url: `http://127.0.0.1:${portOf(b)}`,
          config: { ws: { path: '/ws' } } as TestHub['config'],
        };
        try {
          const menu = { ...MENU, settings: { prepMinutes: 1 } };
          const published = await publishEvent(nodeA.url, 'r-1', 'menu.updated', menu);
          expect(published.status).toBe(202);
          const onA = await as(nodeA, 'customer', 'c-1');
          const onB = await as(nodeB, 'crew', 'k-1');
          await onA.waitFor('menu.updated');
          // Ready in 1 min 2 s with 1 minute of prep: it fires in 2 s.
          const fireAt = Date.now() + 2000;
          const { orderId } = await onA.ok('order.place', later(iso(fireAt + MIN)));
          onA.close();
          await new Promise((r) => setTimeout(r, Math.max(0, fireAt - Date.now() - 50)));
          a.proc.kill('SIGKILL');
          const placed = await onB.next(
            'order.status_updated',
            (e: Envelope) => e.data.orderId === orderId,
            40_000,
          );
          expect(placed.data).toMatchObject({ status: 'placed', previousStatus: 'scheduled' });
          // Another sweep round would have fired a second time by now if firing were not once.
          await onB.ok('heartbeat', { clientTime: 1 });
          await new Promise((r) => setTimeout(r, 500));
          expect(statusesOf(onB, orderId)).toEqual(['placed']);
          onB.close();
        } finally {
          a.proc.kill('SIGKILL');
          b.proc.kill('SIGKILL');
        }
      }, 60_000);
    });
  },
);
