import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, sampleOrder, type TestClient } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeEngines } from './support/redis.js';
import { tokenFor } from './support/tokens.js';

type Station = 'kitchen' | 'front' | 'courier' | undefined;
const crewOf = (hub: TestHub, sub: string, crewRole: Station, cursor?: string) =>
  connect(hub, 'crew', sub, {
    ...(crewRole ? { extraClaims: { crewRole } } : {}),
    ...(cursor ? { cursor } : {}),
  });

/** Which crew stations hear of which order events (docs/protocol.md section 4). */
function stationsSuite(engine: string, env: () => Record<string, string>): void {
  describe(`crew stations (${engine} engine)`, () => {
    let hub: TestHub;
    let customer: TestClient;
    let kitchen: TestClient;
    let front: TestClient;
    let courier: TestClient;
    let plain: TestClient;
    let courierCursor: string;
    beforeAll(async () => {
      hub = await startHub(env());
      customer = await connect(hub, 'customer', 'c-1');
      kitchen = await crewOf(hub, 'k-1', 'kitchen');
      front = await crewOf(hub, 'f-1', 'front');
      courier = await crewOf(hub, 'd-1', 'courier');
      plain = await crewOf(hub, 'p-1', undefined);
      courierCursor = String(courier.of('system.welcome')[0].data.cursor);
    });
    afterAll(async () => {
      for (const c of [customer, kitchen, front, courier, plain]) c?.close();
      await hub?.close();
    });

    const step = (by: TestClient, orderId: unknown, status: string) =>
      by.ok('order.update_status', { orderId, status });
    const statusesOf = (c: TestClient, orderId: unknown) =>
      c
        .of('order.status_updated')
        .filter((e) => e.data.orderId === orderId)
        .map((e) => e.data.status);

    it('kitchen, front and crew without a crewRole get new orders; couriers get delivery orders from ready on, with the address', async () => {
      const { orderId } = await customer.ok('order.place', sampleOrder());
      for (const c of [kitchen, front, plain])
        await c.waitFor('order.created', (e) => (e.data.order as { orderId: string }).orderId === orderId);
      for (const status of ['accepted', 'preparing']) await step(kitchen, orderId, status);
      const ready = courier.next('order.status_updated', (e) => e.data.orderId === orderId);
      await step(kitchen, orderId, 'ready');
      expect((await ready).data).toMatchObject({
        status: 'ready',
        orderNumber: expect.stringMatching(/^A-\d{3}$/),
        deliveryAddress: { line1: '1 Main St', city: 'Lisbon' },
      });
      await step(courier, orderId, 'out_for_delivery');
      await step(courier, orderId, 'delivered');
      await kitchen.waitFor(
        'order.status_updated',
        (e) => e.data.orderId === orderId && e.data.status === 'delivered',
      );
      await courier.ok('heartbeat', { clientTime: 0 });
      expect(courier.of('order.created')).toEqual([]);
      expect(statusesOf(courier, orderId)).toEqual(['ready', 'out_for_delivery', 'delivered']);
      expect(statusesOf(kitchen, orderId)).toEqual([
        'accepted',
        'preparing',
        'ready',
        'out_for_delivery',
        'delivered',
      ]);
      expect(statusesOf(plain, orderId)).toEqual(statusesOf(kitchen, orderId));
    });

    it('pickup orders never reach couriers; a courier’s board holds only delivery orders from ready on', async () => {
      const pickup = await customer.ok(
        'order.place',
        sampleOrder({ fulfillment: 'pickup', deliveryAddress: undefined }),
      );
      const waiting = await customer.ok('order.place', sampleOrder());
      const ready = await customer.ok('order.place', sampleOrder());
      for (const id of [pickup.orderId, ready.orderId])
        for (const status of ['accepted', 'preparing', 'ready']) await step(front, id, status);
      await front.ok('heartbeat', { clientTime: 0 });
      expect(statusesOf(courier, pickup.orderId)).toEqual([]);
      const again = await crewOf(hub, 'd-2', 'courier');
      const board = (await again.waitFor('order.board')).data.orders as Array<{ orderId: string }>;
      expect(board.map((o) => o.orderId)).toEqual([ready.orderId]);
      const kitchenBoard = (await (await crewOf(hub, 'k-2', 'kitchen')).waitFor('order.board')).data
        .orders as Array<{
        orderId: string;
      }>;
      expect(kitchenBoard.map((o) => o.orderId)).toEqual(
        expect.arrayContaining([pickup.orderId, waiting.orderId, ready.orderId]),
      );
      again.close();
    });

    it('announcements to crew still reach every station; a courier’s replay holds only its station’s order events', async () => {
      const admin = await connect(hub, 'admin', 'a-1');
      await admin.ok('admin.announce', { audience: ['crew'], level: 'info', message: 'staff meal at 4' });
      await courier.waitFor('notification', (e) => e.data.message === 'staff meal at 4');
      courier.close();
      const back = await crewOf(hub, 'd-1', 'courier', courierCursor);
      await back.waitFor('notification', (e) => e.data.message === 'staff meal at 4');
      expect(back.of('order.created')).toEqual([]);
      expect(
        back
          .of('order.status_updated')
          .every((e) => ['ready', 'out_for_delivery', 'delivered'].includes(String(e.data.status))),
      ).toBe(true);
      expect(back.of('order.status_updated').length).toBeGreaterThan(0);
      back.close();
      admin.close();
    });

    it('crew roles bound status changes: FORBIDDEN naming the step, the order unchanged', async () => {
      const rider = await crewOf(hub, 'd-3', 'courier'); // the suite's courier left with its replay test
      const refusal = async (by: TestClient, command: string, data: object) =>
        (await by.cmd(command, data)).error;
      const forbidden = (crewRole: string, from: string, to: string, fulfillment: string) => ({
        code: 'FORBIDDEN',
        message: expect.stringContaining(`${crewRole} crew cannot`),
        details: { crewRole, from, to, fulfillment },
      });
      // A courier cannot touch a pickup order, nor the kitchen steps of a delivery order.
      const pickup = await customer.ok(
        'order.place',
        sampleOrder({ fulfillment: 'pickup', deliveryAddress: undefined }),
      );
      expect(
        await refusal(rider, 'order.update_status', { orderId: pickup.orderId, status: 'accepted' }),
      ).toEqual(forbidden('courier', 'placed', 'accepted', 'pickup'));
      expect(
        await refusal(rider, 'order.update_status', { orderId: pickup.orderId, status: 'rejected' }),
      ).toEqual(forbidden('courier', 'placed', 'rejected', 'pickup'));
      expect(await refusal(rider, 'order.cancel', { orderId: pickup.orderId })).toEqual(
        forbidden('courier', 'placed', 'cancelled', 'pickup'),
      );
      for (const status of ['accepted', 'preparing', 'ready']) await step(kitchen, pickup.orderId, status);
      expect(
        await refusal(rider, 'order.update_status', { orderId: pickup.orderId, status: 'picked_up' }),
      ).toEqual(forbidden('courier', 'ready', 'picked_up', 'pickup'));
      // The kitchen cooks; the hand-over of a pickup order is the front's, and so is a cancel.
      expect(
        await refusal(kitchen, 'order.update_status', { orderId: pickup.orderId, status: 'picked_up' }),
      ).toEqual(forbidden('kitchen', 'ready', 'picked_up', 'pickup'));
      expect(await refusal(kitchen, 'order.cancel', { orderId: pickup.orderId })).toEqual(
        forbidden('kitchen', 'ready', 'cancelled', 'pickup'),
      );
      await step(front, pickup.orderId, 'picked_up');
      // Delivery: the kitchen and the front cannot send it out; the courier can.
      const delivery = await customer.ok('order.place', sampleOrder());
      expect(
        await refusal(rider, 'order.update_status', { orderId: delivery.orderId, status: 'accepted' }),
      ).toEqual(forbidden('courier', 'placed', 'accepted', 'delivery'));
      for (const status of ['accepted', 'preparing', 'ready']) await step(front, delivery.orderId, status);
      for (const [by, role] of [
        [kitchen, 'kitchen'],
        [front, 'front'],
      ] as const) {
        expect(
          await refusal(by, 'order.update_status', { orderId: delivery.orderId, status: 'out_for_delivery' }),
        ).toEqual(forbidden(role, 'ready', 'out_for_delivery', 'delivery'));
      }
      await step(rider, delivery.orderId, 'out_for_delivery');
      await step(rider, delivery.orderId, 'delivered');
      // Crew without a crewRole keep every crew right.
      const other = await customer.ok(
        'order.place',
        sampleOrder({ fulfillment: 'pickup', deliveryAddress: undefined }),
      );
      for (const status of ['accepted', 'preparing', 'ready', 'picked_up'])
        await step(plain, other.orderId, status);
      const cancelled = await customer.ok('order.place', sampleOrder());
      await plain.ok('order.cancel', { orderId: cancelled.orderId });
      const board =
        (await customer.ok('heartbeat', { clientTime: 0 })) && statusesOf(kitchen, pickup.orderId);
      expect(board).toEqual(['accepted', 'preparing', 'ready', 'picked_up']);
    });

    it('auth.refresh with another crewRole moves the session to that station', async () => {
      const mover = await crewOf(hub, 'm-1', 'courier');
      await mover.ok('auth.refresh', { token: tokenFor('crew', 'm-1', 'r-1', { crewRole: 'kitchen' }) });
      const { orderId } = await customer.ok('order.place', sampleOrder());
      await mover.waitFor('order.created', (e) => (e.data.order as { orderId: string }).orderId === orderId);
      mover.close();
    });
  });
}

describeEngines('crew stations', stationsSuite);
