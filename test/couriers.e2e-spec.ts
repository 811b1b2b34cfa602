import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SERVICE_COMMANDS } from '@orderwire/contracts';
import { MovableClock, clockModule } from './support/clock.js';
import { connect, type Envelope, type TestClient } from './support/client.js';
import { publishEvent } from './support/publish.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeEngines } from './support/redis.js';
import { Receiver, until, WEBHOOK_SECRET } from './support/webhook-receiver.js';

/** Tokens that outlive the minutes the tests move the hub's clock by (the session guard reads it). */
const LONG = { exp: Math.floor(Date.now() / 1000) + 80_000 };
type Role = 'customer' | 'crew' | 'admin';
const as = (hub: TestHub, role: Role, sub: string, claims: Record<string, unknown> = {}) =>
  connect(hub, role, sub, { extraClaims: { ...LONG, ...claims } });

const MENU = (settings: Record<string, unknown>) => ({
  currency: 'EUR',
  items: [{ sku: 'burger', name: 'Burger', price: 850, available: true }],
  settings,
});
const delivery = (orderId: string) => ({
  orderId,
  items: [{ sku: 'burger', quantity: 1 }],
  fulfillment: 'delivery',
  deliveryAddress: { line1: '1 Main St', city: 'Lisbon' },
});
const service = (hub: TestHub, type: string, data: unknown) =>
  publishEvent(hub, 'r-1', type, data, 'dispatch');
const boardEntry = (c: TestClient, orderId: string) => {
  const boards = c.of('order.board');
  const orders = boards[boards.length - 1]!.data.orders as Array<Record<string, unknown>>;
  return orders.find((o) => o.orderId === orderId);
};

/** Couriers bound to their orders and the hand-over code (docs/protocol.md section 14). */
function courierSuite(engine: string, env: () => Record<string, string>): void {
  describe(`couriers and the hand-over (${engine} engine)`, () => {
    const clock = new MovableClock();
    const hooks = new Receiver(WEBHOOK_SECRET);
    let hub: TestHub;
    let customer: TestClient;
    let kitchen: TestClient;
    let front: TestClient;
    let d1: TestClient;
    let d2: TestClient;
    let admin: TestClient;
    const codes: string[] = [];

    /** A delivery order of c-1, taken by the kitchen to `ready`; its hand-over code is kept. */
    async function readyOrder(orderId: string): Promise<string> {
      const placed = await customer.ok('order.place', delivery(orderId));
      codes.push(placed.handoffCode as string);
      for (const status of ['accepted', 'preparing', 'ready'])
        await kitchen.ok('order.update_status', { orderId, status });
      return placed.handoffCode as string;
    }
    const publishSettings = async (settings: Record<string, unknown>) => {
      const before = kitchen.of('menu.updated').length;
      expect((await service(hub, 'menu.updated', MENU(settings))).status).toBe(202);
      await until(() => kitchen.of('menu.updated').length > before);
    };

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
              commands: SERVICE_COMMANDS,
              events: ['order.created', 'order.status_updated', 'order.courier_assigned'],
            },
          ]),
        },
        { imports: [clockModule(clock)] },
      );
      customer = await as(hub, 'customer', 'c-1');
      kitchen = await as(hub, 'crew', 'k-1', { crewRole: 'kitchen' });
      front = await as(hub, 'crew', 'f-1', { crewRole: 'front' });
      d1 = await as(hub, 'crew', 'd-1', { crewRole: 'courier' });
      d2 = await as(hub, 'crew', 'd-2', { crewRole: 'courier' });
      admin = await as(hub, 'admin', 'a-1');
      expect((await service(hub, 'menu.updated', MENU({}))).status).toBe(202);
      await kitchen.waitFor('menu.updated');
    }, 30_000);
    afterAll(async () => {
      for (const c of [customer, kitchen, front, d1, d2, admin]) c?.close();
      await hub?.close();
      await hooks.stop();
    });

    it('the front assigns a courier, who hears of the order before it is ready; others may not assign', async () => {
      const placed = await customer.ok('order.place', delivery('as-1'));
      expect(placed.handoffCode).toMatch(/^\d{4}$/);
      codes.push(placed.handoffCode as string);
      for (const [who, code] of [
        [kitchen, 'FORBIDDEN'],
        [d1, 'FORBIDDEN'],
      ] as const)
        expect(
          (await who.cmd('order.assign_courier', { orderId: 'as-1', courierId: 'd-1' })).error?.code,
        ).toBe(code);
      expect(await front.ok('order.assign_courier', { orderId: 'as-1', courierId: 'd-1' })).toEqual({
        orderId: 'as-1',
        courierId: 'd-1',
      });
      // d-1 (a courier: its station hears of delivery orders only from ready on) is told by name.
      const told = await d1.waitFor('order.courier_assigned', (e) => e.data.orderId === 'as-1');
      expect(told.data).toMatchObject({
        courierId: 'd-1',
        status: 'placed',
        orderNumber: expect.stringMatching(/^A-\d{3}$/),
        deliveryAddress: { line1: '1 Main St', city: 'Lisbon' },
        assignedBy: { id: 'f-1', type: 'crew' },
      });
      expect(told.requiresAck).toBe(true);
      for (const c of [customer, admin, kitchen])
        await c.waitFor('order.courier_assigned', (e) => e.data.orderId === 'as-1');
      expect(d2.of('order.courier_assigned').filter((e) => e.data.orderId === 'as-1')).toHaveLength(0);
      // The same courier again changes nothing; another takes over, and both hear of it.
      expect(await admin.ok('order.assign_courier', { orderId: 'as-1', courierId: 'd-1' })).toEqual({
        orderId: 'as-1',
        courierId: 'd-1',
      });
      expect(await front.ok('order.assign_courier', { orderId: 'as-1', courierId: 'd-2' })).toEqual({
        orderId: 'as-1',
        courierId: 'd-2',
        previousCourierId: 'd-1',
      });
      const moved = (e: Envelope) => e.data.orderId === 'as-1' && e.data.courierId === 'd-2';
      for (const c of [d1, d2])
        expect((await c.waitFor('order.courier_assigned', moved)).data.previousCourierId).toBe('d-1');
      expect(d1.of('order.courier_assigned').filter((e) => e.data.orderId === 'as-1')).toHaveLength(2);
      // The courier's board holds it before it is ready; a reconnecting customer sees who holds it.
      const again = await as(hub, 'crew', 'd-2', { crewRole: 'courier' });
      expect(boardEntry(again, 'as-1')).toMatchObject({ status: 'placed', courierId: 'd-2' });
      again.close();
      // Handed back to no one; a pickup order has no courier; a courier id must be one.
      expect(await front.ok('order.assign_courier', { orderId: 'as-1', courierId: null })).toEqual({
        orderId: 'as-1',
        courierId: null,
        previousCourierId: 'd-2',
      });
      await customer.ok('order.place', {
        ...delivery('pk-1'),
        fulfillment: 'pickup',
        deliveryAddress: undefined,
      });
      expect(
        (await front.cmd('order.assign_courier', { orderId: 'pk-1', courierId: 'd-1' })).error,
      ).toMatchObject({ code: 'CONFLICT', details: { fulfillment: 'pickup' } });
      for (const courierId of ['', 'a b', 'x|y', 'z'.repeat(129), 7, undefined])
        expect((await front.cmd('order.assign_courier', { orderId: 'as-1', courierId })).error?.code).toBe(
          'VALIDATION_FAILED',
        );
      expect(
        (await front.cmd('order.assign_courier', { orderId: 'nope', courierId: 'd-1' })).error?.code,
      ).toBe('NOT_FOUND');
    });

    it('two couriers claiming one ready order at once: exactly one wins, only where claims are allowed', async () => {
      await readyOrder('cl-1');
      expect((await d1.cmd('order.claim', { orderId: 'cl-1' })).error?.code).toBe('FORBIDDEN');
      await publishSettings({ courierSelfAssign: true });
      const replies = await Promise.all([d1, d2].map((c) => c.cmd('order.claim', { orderId: 'cl-1' })));
      const winners = replies.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      const winner = (winners[0]!.data as { courierId: string }).courierId;
      const loser = replies.find((r) => !r.ok)!;
      expect(loser.error).toMatchObject({ code: 'CONFLICT', details: { courierId: winner } });
      // Claiming what you hold answers it again; front crew cannot claim; not ready is CONFLICT.
      const holder = winner === 'd-1' ? d1 : d2;
      expect(await holder.ok('order.claim', { orderId: 'cl-1' })).toEqual({
        orderId: 'cl-1',
        courierId: winner,
      });
      expect((await front.cmd('order.claim', { orderId: 'cl-1' })).error?.code).toBe('FORBIDDEN');
      await customer.ok('order.place', delivery('cl-2'));
      expect((await d1.cmd('order.claim', { orderId: 'cl-2' })).error).toMatchObject({
        code: 'CONFLICT',
        details: { status: 'placed' },
      });
      // One announcement, audited as the winner's claim.
      await until(
        async () =>
          (await admin.ok('admin.audit', { orderId: 'cl-1', action: 'order.claim' })).items !== undefined,
      );
      const audit = (await admin.ok('admin.audit', { orderId: 'cl-1', action: 'order.claim' }))
        .items as Array<Record<string, unknown>>;
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor: { id: winner }, after: { courierId: winner } });
      await publishSettings({ courierSelfAssign: false });
    });

    it("only the holder takes it out and relays; a spoofed position is refused and moves no one's map", async () => {
      await readyOrder('sp-1');
      await front.ok('order.assign_courier', { orderId: 'sp-1', courierId: 'd-1' });
      expect(
        (await d2.cmd('order.update_status', { orderId: 'sp-1', status: 'out_for_delivery' })).error,
      ).toMatchObject({ code: 'FORBIDDEN', details: { courierId: 'd-1' } });
      await d1.ok('order.update_status', { orderId: 'sp-1', status: 'out_for_delivery' });
      expect((await d2.cmd('courier.location', { orderId: 'sp-1', lat: 1, lng: 1 })).error).toMatchObject({
        code: 'FORBIDDEN',
        details: { courierId: 'd-1' },
      });
      expect(
        await d1.ok('courier.location', { orderId: 'sp-1', lat: 38.72, lng: -9.14, heading: 45 }),
      ).toEqual({
        relayed: true,
      });
      const seen = await customer.waitFor('courier.location', (e) => e.data.orderId === 'sp-1');
      expect(seen.data).toMatchObject({ lat: 38.72, lng: -9.14, heading: 45 });
      await admin.waitFor('courier.location', (e) => e.data.orderId === 'sp-1');
      expect(customer.of('courier.location').filter((e) => e.data.lat === 1)).toHaveLength(0);
      expect(kitchen.of('courier.location')).toHaveLength(0);
      // A courier who takes out an order nobody holds holds it from then on.
      await readyOrder('sp-2');
      await d2.ok('order.update_status', { orderId: 'sp-2', status: 'out_for_delivery' });
      expect((await d1.cmd('courier.location', { orderId: 'sp-2', lat: 2, lng: 2 })).error?.code).toBe(
        'FORBIDDEN',
      );
      expect(await d2.ok('courier.location', { orderId: 'sp-2', lat: 2, lng: 2 })).toEqual({ relayed: true });
    });

    it('a reconnecting customer and admins see the last position at once, until it is too old', async () => {
      const customerAgain = await as(hub, 'customer', 'c-1');
      expect(boardEntry(customerAgain, 'sp-1')).toMatchObject({
        courierId: 'd-1',
        courierPosition: { courierId: 'd-1', lat: 38.72, lng: -9.14, heading: 45, at: expect.any(String) },
      });
      const adminAgain = await as(hub, 'admin', 'a-2');
      expect(boardEntry(adminAgain, 'sp-1')?.courierPosition).toMatchObject({ lat: 38.72 });
      expect(boardEntry(adminAgain, 'sp-2')?.courierPosition).toMatchObject({ courierId: 'd-2', lat: 2 });
      const crewAgain = await as(hub, 'crew', 'f-9', { crewRole: 'front' });
      expect(boardEntry(crewAgain, 'sp-1')?.courierPosition).toBeUndefined();
      for (const c of [customerAgain, adminAgain, crewAgain]) c.close();
      clock.advance(hub.config.orders.courierPositionTtlMs + 1000);
      try {
        const later = await as(hub, 'customer', 'c-1');
        expect(boardEntry(later, 'sp-1')).toMatchObject({ courierId: 'd-1' });
        expect(boardEntry(later, 'sp-1')?.courierPosition).toBeUndefined();
        later.close();
      } finally {
        clock.offsetMs = 0;
      }
    });

    it('the hand-over code: its customer only; five wrong tries lock it and alert admins, who confirm', async () => {
      await publishSettings({ courierSelfAssign: true, handoffCodeRequired: true });
      const code = await readyOrder('ho-1');
      // The customer's board has it; the crew's and the admins' do not, nor the order.created.
      const customerAgain = await as(hub, 'customer', 'c-1');
      expect(boardEntry(customerAgain, 'ho-1')?.handoffCode).toBe(code);
      customerAgain.close();
      const crewAgain = await as(hub, 'crew', 'f-9', { crewRole: 'front' });
      expect(boardEntry(crewAgain, 'ho-1')).toBeDefined();
      expect(boardEntry(crewAgain, 'ho-1')?.handoffCode).toBeUndefined();
      crewAgain.close();
      const created = await kitchen.waitFor(
        'order.created',
        (e) => (e.data.order as { orderId: string }).orderId === 'ho-1',
      );
      expect(JSON.stringify(created)).not.toContain('handoffCode');
      await d1.ok('order.claim', { orderId: 'ho-1' });
      await d1.ok('order.update_status', { orderId: 'ho-1', status: 'out_for_delivery' });
      // Required: none is INVALID_CODE without spending a try; another courier's try spends none.
      expect(
        (await d1.cmd('order.update_status', { orderId: 'ho-1', status: 'delivered' })).error,
      ).toMatchObject({
        code: 'INVALID_CODE',
        details: { triesLeft: 5 },
      });
      expect(
        (await d2.cmd('order.update_status', { orderId: 'ho-1', status: 'delivered', handoffCode: '0000' }))
          .error?.code,
      ).toBe('FORBIDDEN');
      expect(
        (await d1.cmd('order.update_status', { orderId: 'ho-1', status: 'delivered', handoffCode: '12a4' }))
          .error?.code,
      ).toBe('VALIDATION_FAILED');
      const wrong = String((Number(code) + 1) % 10_000).padStart(4, '0');
      const left: unknown[] = [];
      for (let i = 0; i < 5; i++) {
        const reply = await d1.cmd('order.update_status', {
          orderId: 'ho-1',
          status: 'delivered',
          handoffCode: wrong,
        });
        expect(reply.error?.code).toBe('INVALID_CODE');
        left.push(reply.error?.details?.triesLeft);
      }
      expect(left).toEqual([4, 3, 2, 1, 0]);
      const alert = await admin.waitFor('system.alert', (e) => e.data.code === 'HANDOFF_CODE_FAILED');
      expect(alert.data).toMatchObject({
        severity: 'warning',
        details: { orderId: 'ho-1', courierId: 'd-1', tries: 5, orderNumber: expect.any(String) },
      });
      // Locked: even the right code is refused now, and no second alert comes.
      expect(
        (await d1.cmd('order.update_status', { orderId: 'ho-1', status: 'delivered', handoffCode: code }))
          .error,
      ).toMatchObject({ code: 'INVALID_CODE', details: { triesLeft: 0 } });
      expect(await admin.ok('order.update_status', { orderId: 'ho-1', status: 'delivered' })).toEqual({
        orderId: 'ho-1',
        status: 'delivered',
      });
      expect(admin.of('system.alert').filter((e) => e.data.code === 'HANDOFF_CODE_FAILED')).toHaveLength(1);
    });

    it('the right code delivers; the code goes with the order; a code is checked even when not required', async () => {
      const code = await readyOrder('ho-2');
      await d2.ok('order.claim', { orderId: 'ho-2' });
      await d2.ok('order.update_status', { orderId: 'ho-2', status: 'out_for_delivery' });
      expect(
        await d2.ok('order.update_status', { orderId: 'ho-2', status: 'delivered', handoffCode: code }),
      ).toEqual({
        orderId: 'ho-2',
        status: 'delivered',
      });
      const customerAgain = await as(hub, 'customer', 'c-1');
      expect(boardEntry(customerAgain, 'ho-2')?.handoffCode).toBeUndefined();
      customerAgain.close();
      expect(
        (await d2.cmd('order.update_status', { orderId: 'ho-2', status: 'accepted', handoffCode: code }))
          .error?.code,
      ).toBe('VALIDATION_FAILED');
      await publishSettings({ courierSelfAssign: true, handoffCodeRequired: false });
      const other = await readyOrder('ho-3');
      await d1.ok('order.claim', { orderId: 'ho-3' });
      await d1.ok('order.update_status', { orderId: 'ho-3', status: 'out_for_delivery' });
      const wrong = String((Number(other) + 5) % 10_000).padStart(4, '0');
      expect(
        (await d1.cmd('order.update_status', { orderId: 'ho-3', status: 'delivered', handoffCode: wrong }))
          .error?.code,
      ).toBe('INVALID_CODE');
      await d1.ok('order.update_status', { orderId: 'ho-3', status: 'delivered' });
    });

    it('a dispatch service assigns a courier; no code reaches services or webhooks', async () => {
      await customer.ok('order.place', delivery('ds-1'));
      expect(
        (await service(hub, 'order.courier_assigned', { orderId: 'ds-1', courierId: 'd-2' })).status,
      ).toBe(202);
      const told = await d2.waitFor('order.courier_assigned', (e) => e.data.orderId === 'ds-1');
      expect(told.data).toMatchObject({
        courierId: 'd-2',
        status: 'placed',
        assignedBy: { id: 'dispatch', type: 'service' },
        deliveryAddress: { city: 'Lisbon' },
      });
      await until(() => hooks.of('event', 'order.courier_assigned').length >= 3);
      await until(() => hooks.of('command', 'order.place').length >= codes.length);
      // Every hand-off, by type, that carries a code's key or a code as a value: none.
      const bodies = hooks.got.map((g) => [g.body.type, JSON.stringify(g.body)] as const);
      expect(bodies.map(([type]) => type)).toContain('order.update_status');
      const leaks = bodies.filter(
        ([, body]) => body.includes('handoffCode') || codes.some((code) => body.includes(`"${code}"`)),
      );
      expect(leaks.map(([type]) => type)).toEqual([]);
    });
  });
}

describeEngines('couriers', courierSuite);
