import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MovableClock, clockModule } from './support/clock.js';
import { connect, type TestClient } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { publishEvent } from './support/publish.js';
import { describeEngines } from './support/redis.js';

const TENANT = 'r-day';
/** Tokens that outlive the hours the tests move the hub's clock by. */
const LONG = { exp: Math.floor(Date.now() / 1000) + 80_000 };
/** A restaurant in New York: its business day is not UTC's in the evening. */
const MENU = {
  currency: 'USD',
  items: [
    { sku: 'burger', name: 'Classic burger', price: 850, available: true },
    { sku: 'fries', name: 'Fries', price: 300, available: true },
  ],
  settings: { timezone: 'America/New_York' },
};
/** 22:00 in New York on 7 December 2026: 03:00 on the 8th in UTC. */
const EVENING = Date.parse('2026-12-08T03:00:00Z');
const DAY = '2026-12-07';

interface DayReport {
  day: string;
  timezone: string;
  complete: boolean;
  orders: Array<
    Record<string, unknown> & { orderId: string; status: string; statusTimes: Record<string, string> }
  >;
}

function daySuite(engine: string, env: () => Record<string, string>): void {
  describe(`the day book (${engine} engine)`, () => {
    const clock = new MovableClock();
    let hub: TestHub;
    let guest: TestClient;
    let front: TestClient;
    let admin: TestClient;
    const as = (role: 'customer' | 'crew' | 'admin', sub: string, claims: Record<string, unknown> = {}) =>
      connect(hub, role, sub, { tenantId: TENANT, extraClaims: { ...LONG, ...claims } });
    const place = async (extra: Record<string, unknown> = {}) =>
      (
        await guest.ok('order.place', {
          items: [
            { sku: 'burger', quantity: 2 },
            { sku: 'fries', quantity: 1 },
          ],
          fulfillment: 'pickup',
          notes: 'ring the bell, allergy: sesame',
          ...extra,
        })
      ).orderId as string;
    const step = async (orderId: string, ...statuses: string[]) => {
      for (const status of statuses) await front.ok('order.update_status', { orderId, status });
    };
    const report = (data: Record<string, unknown> = {}) =>
      admin.ok('admin.day_report', data) as unknown as Promise<DayReport>;

    beforeAll(async () => {
      clock.set(EVENING);
      hub = await startHub({ ...env(), DAY_BOOK_MAX_ORDERS: '4' }, { imports: [clockModule(clock)] });
      await publishEvent(hub, TENANT, 'menu.updated', MENU, 'menu').expect(202);
      guest = await as('customer', 'c-1');
      front = await as('crew', 'f-1', { crewRole: 'front' });
      admin = await as('admin', 'm-1');
    }, 30_000);
    afterAll(async () => {
      for (const c of [guest, front, admin]) c?.close();
      await hub?.close();
    });

    it("keeps the day's finished orders, on the restaurant's day, without the customer's data", async () => {
      const collected = await place();
      await step(collected, 'accepted', 'preparing', 'ready', 'picked_up');
      const rejected = await place();
      await step(rejected, 'rejected');
      const open = await place();
      await step(open, 'accepted');
      const r = await report();
      expect(r).toMatchObject({ day: DAY, timezone: 'America/New_York', complete: true });
      expect(r.orders.map((o) => [o.orderId, o.status])).toEqual([
        [collected, 'picked_up'],
        [rejected, 'rejected'],
      ]);
      expect(r.orders[0]).toMatchObject({
        orderNumber: 'A-001',
        fulfillment: 'pickup',
        total: 2000,
        currency: 'USD',
        payment: 'pending',
        items: [
          { name: 'Classic burger', quantity: 2, unitPrice: 850 },
          { name: 'Fries', quantity: 1, unitPrice: 300 },
        ],
      });
      expect(Object.keys(r.orders[0]!.statusTimes)).toEqual(
        expect.arrayContaining(['placed', 'accepted', 'preparing', 'ready', 'picked_up']),
      );
      // No personal data: the customer, the notes, an address or a hand-over code are not kept.
      const text = JSON.stringify(r);
      for (const leak of ['c-1', 'sesame', 'customerId', 'notes', 'deliveryAddress', 'handoffCode'])
        expect(text).not.toContain(leak);
      // Asked for by its date, the same day; the day before has nothing.
      await expect(report({ day: DAY })).resolves.toEqual(r);
      await expect(report({ day: '2026-12-06' })).resolves.toMatchObject({ orders: [], complete: true });
    });

    it('a finished order that changes again (a refund) is written again over its entry', async () => {
      const orderId = await place();
      await step(orderId, 'accepted', 'preparing', 'ready', 'picked_up');
      await publishEvent(
        hub,
        TENANT,
        'payment.refunded',
        { orderId, amount: 2000, currency: 'USD' },
        'payments',
      ).expect(202);
      const deadline = Date.now() + 5000;
      let entry: DayReport['orders'][number] | undefined;
      while (Date.now() < deadline) {
        entry = (await report()).orders.find((o) => o.orderId === orderId);
        if (entry?.payment === 'refunded') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(entry).toMatchObject({ status: 'picked_up', payment: 'refunded' });
      expect((await report()).orders.filter((o) => o.orderId === orderId)).toHaveLength(1);
    });

    it("past DAY_BOOK_MAX_ORDERS a day's report says it is incomplete, and the refusal is counted", async () => {
      // Three are in the book (the two above and the refunded one): one more fits, then none.
      for (let i = 0; i < 2; i++) await step(await place(), 'rejected');
      const deadline = Date.now() + 5000;
      let r = await report();
      while (r.complete && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 50));
        r = await report();
      }
      expect(r.complete).toBe(false);
      expect(r.orders).toHaveLength(4);
      const metrics = (await request(hub.app.getHttpServer()).get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/orderwire_day_book_refused_total\{reason="full"\} 1\b/);
      // The day before is a book of its own.
      await expect(report({ day: '2026-12-06' })).resolves.toMatchObject({ complete: true });
    });

    it('refuses what is not a day, a day no longer kept, another tenant, and non-admins', async () => {
      const field = async (data: Record<string, unknown>) => {
        const reply = await admin.cmd('admin.day_report', data);
        return [
          reply.error?.code,
          (reply.error?.details as { fields?: Array<{ field: string }> })?.fields?.[0]?.field,
        ];
      };
      for (const day of ['2026-02-30', 'yesterday', '2026-12-7', '2026-13-01', 20261207, '2026-12-07T00:00'])
        await expect(field({ day })).resolves.toEqual(['VALIDATION_FAILED', 'day']);
      await expect(field({ day: '2026-11-02' })).resolves.toEqual(['VALIDATION_FAILED', 'day']);
      await expect(report({ day: '2026-11-03' })).resolves.toMatchObject({ orders: [], complete: true });
      await expect(report({ day: '2027-01-01' })).resolves.toMatchObject({ orders: [], complete: true });
      expect((await admin.cmd('admin.day_report', { tenantId: 'r-other' })).error?.code).toBe('FORBIDDEN');
      expect((await front.cmd('admin.day_report', {})).error?.code).toBe('FORBIDDEN');
      expect((await guest.cmd('admin.day_report', {})).error?.code).toBe('FORBIDDEN');
      const platform = await connect(hub, 'admin', 'root', { tenantId: '*', extraClaims: LONG });
      try {
        expect((await platform.cmd('admin.day_report', {})).error?.code).toBe('VALIDATION_FAILED');
        const theirs = (await platform.ok('admin.day_report', { tenantId: TENANT })) as unknown as DayReport;
        expect(theirs.orders.length).toBeGreaterThan(0);
      } finally {
        platform.close();
      }
    });
  });
}

describeEngines('the day book', daySuite);
