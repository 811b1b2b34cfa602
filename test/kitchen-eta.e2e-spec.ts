import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PREP_SAMPLES } from '../src/engine/engine.tokens.js';
import type { PrepSampleStore } from '../src/engine/prep-samples.js';
import { MovableClock, clockModule } from './support/clock.js';
import { connect, type Envelope, type TestClient } from './support/client.js';
import { publishEvent } from './support/publish.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeEngines } from './support/redis.js';
import { until } from './support/webhook-receiver.js';

/** Tokens that outlive the hours the tests move the hub's clock by (the session guard reads it). */
const LONG = { exp: Math.floor(Date.now() / 1000) + 80_000 };
const MIN = 60_000;
const pickup = (orderId: string) => ({
  orderId,
  items: [{ sku: 'burger', quantity: 1 }],
  fulfillment: 'pickup',
});
const menu = (settings: Record<string, unknown>) => ({
  currency: 'EUR',
  items: [{ sku: 'burger', name: 'Burger', price: 850, available: true }],
  settings: { prepMinutes: 20, ackEscalateSeconds: 0, ...settings },
});
const orderOf = (e: Envelope) => e.data.order as Record<string, unknown>;

/**
 * ETAs from the kitchen's load (docs/protocol.md section 14): learned from 50 orders the clock
 * walks through (12 minutes each), then moved when the kitchen loses half its crew.
 */
function etaSuite(engine: string, env: () => Record<string, string>): void {
  describe(`ETA from the kitchen's load (${engine} engine)`, () => {
    const clock = new MovableClock();
    let hub: TestHub;
    let customer: TestClient;
    let kitchen: TestClient;
    let admin: TestClient;
    const publish = async (settings: Record<string, unknown>) => {
      const before = kitchen.of('menu.updated').length;
      const res = await publishEvent(hub, 'r-1', 'menu.updated', menu(settings));
      expect(res.status).toBe(202);
      await until(() => kitchen.of('menu.updated').length > before);
    };
    /** Places an order and resolves its order.created as the kitchen got it. */
    const place = async (orderId: string) => {
      await customer.ok('order.place', pickup(orderId));
      return orderOf(await kitchen.waitFor('order.created', (e) => orderOf(e).orderId === orderId));
    };

    beforeAll(async () => {
      clock.set(Date.parse('2026-03-10T18:00:00Z'));
      hub = await startHub(
        {
          ...env(),
          RATE_COMMANDS_PER_SECOND: '1000',
          RATE_COMMAND_BURST: '1000',
          RATE_USER_COMMANDS_PER_SECOND: '1000',
          RATE_USER_COMMAND_BURST: '1000',
        },
        { imports: [clockModule(clock)] },
      );
      customer = await connect(hub, 'customer', 'c-1', { extraClaims: LONG });
      kitchen = await connect(hub, 'crew', 'k-1', { extraClaims: { ...LONG, crewRole: 'kitchen' } });
      admin = await connect(hub, 'admin', 'a-1', { extraClaims: LONG });
      await publish({});
    }, 30_000);
    afterAll(async () => {
      for (const c of [customer, kitchen, admin]) c?.close();
      await hub?.close();
    });

    it('learns the prep time from 50 orders: a new order gets 12 minutes, not the 20 of the settings', async () => {
      const first = await place('warm-0');
      expect(first).toMatchObject({ etaMinutes: 20, etaBy: 'hub', ordersAhead: 0 });
      await admin.ok('order.cancel', { orderId: 'warm-0' });
      for (let i = 1; i <= 50; i++) {
        clock.advance(6000); // past the node's five-second view of the kitchen
        const orderId = `sim-${i}`;
        await customer.ok('order.place', pickup(orderId));
        await kitchen.ok('order.update_status', { orderId, status: 'accepted' });
        await kitchen.ok('order.update_status', { orderId, status: 'preparing' });
        clock.advance(12 * MIN);
        await kitchen.ok('order.update_status', { orderId, status: 'ready' });
        await admin.ok('order.update_status', { orderId, status: 'picked_up' });
      }
      const samples = hub.app.get<PrepSampleStore>(PREP_SAMPLES);
      await until(async () => (await samples.recent('r-1', 200)).length === 50);
      clock.advance(6000);
      const learned = await place('e-1');
      expect(learned).toMatchObject({ etaMinutes: 12, etaBy: 'hub', ordersAhead: 0 });
      expect(Date.parse(learned.etaAt as string) - Date.parse(learned.createdAt as string)).toBe(12 * MIN);
    }, 60_000);

    it('when the crew on shift halves, the orders in the second wave are told their new ETA', async () => {
      const second = await connect(hub, 'crew', 'k-2', { extraClaims: { ...LONG, crewRole: 'kitchen' } });
      clock.advance(6000);
      // Two people: six orders at once (e-1 and w-1 … w-5), each expected in 12 minutes.
      const placed = [];
      for (let i = 1; i <= 5; i++) placed.push(await place(`w-${i}`));
      expect(placed.map((o) => [o.ordersAhead, o.etaMinutes])).toEqual([
        [1, 12],
        [2, 12],
        [3, 12],
        [4, 12],
        [5, 12],
      ]);
      second.close();
      // Three at once now: w-3, w-4 and w-5 wait a second wave of 12 minutes.
      const moved = (id: string) =>
        customer.waitFor('order.eta_updated', (e) => e.data.orderId === id, 8000).then((e) => e.data);
      for (const id of ['w-3', 'w-4', 'w-5']) {
        const update = await moved(id);
        expect(update).toMatchObject({ reason: 'kitchen_load', orderNumber: expect.any(String) });
        const order = placed.find((o) => o.orderId === id)!;
        expect(Date.parse(update.etaAt as string) - Date.parse(order.createdAt as string)).toBe(24 * MIN);
      }
      expect(customer.of('order.eta_updated').map((e) => e.data.orderId)).toEqual(['w-3', 'w-4', 'w-5']);
      await kitchen.waitFor('order.eta_updated', (e) => e.data.orderId === 'w-5');
      const board = await connect(hub, 'customer', 'c-1', { extraClaims: LONG });
      const w5 = (board.of('order.board')[0]!.data.orders as Array<Record<string, unknown>>).find(
        (o) => o.orderId === 'w-5',
      );
      expect(Date.parse(w5!.etaAt as string) - Date.parse(w5!.createdAt as string)).toBe(24 * MIN);
      board.close();
    });

    it("a busy store's minutes move every estimate; an ETA the crew gave is theirs", async () => {
      await kitchen.ok('order.update_status', { orderId: 'w-1', status: 'accepted', etaMinutes: 5 });
      const before = customer.of('order.eta_updated').length;
      await admin.ok('store.set_status', { status: 'busy', extraPrepMinutes: 10 });
      await until(() => customer.of('order.eta_updated').length >= before + 5, 8000);
      const busy = customer.of('order.eta_updated').slice(before);
      expect(busy.every((e) => e.data.reason === 'store_busy')).toBe(true);
      expect(busy.map((e) => e.data.orderId).sort()).toEqual(['e-1', 'w-2', 'w-3', 'w-4', 'w-5']);
      await admin.ok('store.set_status', { status: 'open' });
      await until(() => customer.of('order.eta_updated').length >= before + 10, 8000);
    });

    it('settings.autoBusy: the hub sets the store busy while the estimate is over its minutes, and back', async () => {
      const status = (s: string, by: string) => (e: Envelope) =>
        e.data.status === s && (e.data.updatedBy as { type: string }).type === by;
      const seen = admin.of('store.status').length;
      // Six waiting, three at once: a new order would wait three waves of 12 minutes, over 30.
      await place('w-6');
      await publish({ autoBusy: { aboveMinutes: 30, extraPrepMinutes: 15 } });
      await place('w-7');
      const busy = await admin.waitFor(
        'store.status',
        (e) => admin.of('store.status').indexOf(e) >= seen && status('busy', 'system')(e),
        8000,
      );
      expect(busy.data).toMatchObject({ extraPrepMinutes: 15, reason: 'kitchen load' });
      for (const orderId of ['e-1', 'w-1', 'w-2', 'w-3', 'w-4', 'w-5', 'w-6', 'w-7'])
        await admin.ok('order.cancel', { orderId });
      await admin.waitFor(
        'store.status',
        (e) =>
          admin.of('store.status').indexOf(e) > admin.of('store.status').indexOf(busy) &&
          status('open', 'system')(e),
        8000,
      );
      const audit = await admin.ok('admin.audit', { action: 'store.auto_busy' });
      expect((audit.items as Array<{ after: { status: string } }>).map((a) => a.after.status)).toEqual([
        'open',
        'busy',
      ]);
    });

    it('with stations, an order takes the time of its slowest station: the bar is quick, the grill is not', async () => {
      const token = (role: 'customer' | 'crew', sub: string, claims = {}) =>
        connect(hub, role, sub, { tenantId: 'r-2', extraClaims: { ...LONG, ...claims } });
      const menu2 = {
        currency: 'EUR',
        items: [
          { sku: 'steak', name: 'Steak', price: 2200, available: true, station: 'grill' },
          { sku: 'lemonade', name: 'Lemonade', price: 300, available: true, station: 'bar' },
        ],
        settings: { prepMinutes: 20, ackEscalateSeconds: 0 },
      };
      const guest = await token('customer', 'c-2');
      const line = await token('crew', 'f-3', { crewRole: 'front' });
      const res = await publishEvent(hub, 'r-2', 'menu.updated', menu2);
      expect(res.status).toBe(202);
      await line.waitFor('menu.updated');
      const both = [
        { sku: 'steak', quantity: 1 },
        { sku: 'lemonade', quantity: 1 },
      ];
      for (let i = 1; i <= 5; i++) {
        clock.advance(6000);
        const orderId = `st-${i}`;
        await guest.ok('order.place', { orderId, items: both, fulfillment: 'pickup' });
        for (const status of ['accepted', 'preparing'])
          await line.ok('order.update_status', { orderId, status });
        clock.advance(4 * MIN);
        await line.ok('order.item_ready', { orderId, lineIndexes: [1] });
        clock.advance(11 * MIN);
        await line.ok('order.item_ready', { orderId, lineIndexes: [0] });
        await line.ok('order.update_status', { orderId, status: 'ready' });
        await line.ok('order.update_status', { orderId, status: 'picked_up' });
      }
      const samples = hub.app.get<PrepSampleStore>(PREP_SAMPLES);
      await until(async () => (await samples.recent('r-2', 200)).length === 15);
      expect((await samples.recent('r-2', 200)).filter((x) => x.key === 'bar').map((x) => x.minutes)).toEqual(
        Array(5).fill(4),
      );
      clock.advance(6000);
      const estimate = async (orderId: string, items: unknown[]) => {
        await guest.ok('order.place', { orderId, items, fulfillment: 'pickup' });
        const created = await line.waitFor('order.created', (e) => orderOf(e).orderId === orderId);
        await line.ok('order.cancel', { orderId });
        return orderOf(created).etaMinutes;
      };
      expect(await estimate('drink', [{ sku: 'lemonade', quantity: 1 }])).toBe(4);
      expect(await estimate('dinner', both)).toBe(15);
      guest.close();
      line.close();
    });
  });
}

describeEngines('kitchen ETA', etaSuite);
