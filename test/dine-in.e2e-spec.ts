import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type Envelope, type TestClient } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeEngines } from './support/redis.js';

const dineIn = (extra: Record<string, unknown> = {}) => ({
  items: [{ sku: 'burger', name: 'Burger', quantity: 1, unitPrice: 850 }],
  currency: 'EUR',
  fulfillment: 'dine_in',
  table: 'T4',
  ...extra,
});

/** Dine-in orders (docs/protocol.md section 13) on one hub; `env` chooses the engine. */
function dineInSuite(engine: string, env: () => Record<string, string>): void {
  describe(`dine-in (${engine} engine)`, () => {
    let hub: TestHub;
    let guest: TestClient;
    let kitchen: TestClient;
    let front: TestClient;
    let courier: TestClient;
    beforeAll(async () => {
      hub = await startHub(env());
      guest = await connect(hub, 'customer', 'g-1');
      kitchen = await connect(hub, 'crew', 'k-1', { extraClaims: { crewRole: 'kitchen' } });
      front = await connect(hub, 'crew', 'f-1', { extraClaims: { crewRole: 'front' } });
      courier = await connect(hub, 'crew', 'd-1', { extraClaims: { crewRole: 'courier' } });
    });
    afterAll(async () => {
      for (const c of [guest, kitchen, front, courier]) c?.close();
      await hub?.close();
    });

    it('an order for table T4 goes placed → accepted → preparing → ready → served; the crew see the table, nobody an address', async () => {
      const created = kitchen.next('order.created');
      const reply = await guest.ok('order.place', dineIn());
      const order = (await created).data.order as Record<string, unknown>;
      expect(order).toMatchObject({ fulfillment: 'dine_in', table: 'T4', status: 'placed' });
      expect(order).not.toHaveProperty('deliveryAddress');
      const orderId = reply.orderId;
      const board = await connect(hub, 'crew', 'f-2', { extraClaims: { crewRole: 'front' } });
      expect((await board.waitFor('order.board')).data.orders).toEqual(
        expect.arrayContaining([expect.objectContaining({ orderId, table: 'T4' })]),
      );
      board.close();
      await kitchen.ok('order.update_status', { orderId, status: 'accepted' });
      await kitchen.ok('order.update_status', { orderId, status: 'preparing' });
      await kitchen.ok('order.update_status', { orderId, status: 'ready' });
      // The kitchen cooks; the front serves.
      const refused = await kitchen.cmd('order.update_status', { orderId, status: 'served' });
      expect(refused.error).toMatchObject({
        code: 'FORBIDDEN',
        details: { to: 'served', fulfillment: 'dine_in' },
      });
      const served = guest.next('order.status_updated', (e) => e.data.status === 'served');
      expect(await front.ok('order.update_status', { orderId, status: 'served' })).toEqual({
        orderId,
        status: 'served',
      });
      expect((await served).data).toMatchObject({ previousStatus: 'ready' });
      // Served is final: off the board, no step after it.
      const later = await connect(hub, 'crew', 'f-3', { extraClaims: { crewRole: 'front' } });
      const orders = (await later.waitFor('order.board')).data.orders as Array<{ orderId: string }>;
      expect(orders.map((o) => o.orderId)).not.toContain(orderId);
      later.close();
      expect((await front.cmd('order.cancel', { orderId })).error?.code).toBe('CONFLICT');
      // Couriers never hear of dine-in orders.
      expect(
        courier.received.filter((e: Envelope) => (e.data as { orderId?: string }).orderId === orderId),
      ).toEqual([]);
    });

    it('served is for dine-in, picked_up and out_for_delivery are not', async () => {
      const orderId = (await guest.ok('order.place', dineIn({ table: 'Patio 2' }))).orderId;
      for (const status of ['accepted', 'preparing', 'ready'])
        await front.ok('order.update_status', { orderId, status });
      for (const status of ['picked_up', 'out_for_delivery']) {
        const reply = await front.cmd('order.update_status', { orderId, status });
        expect(reply.error?.code).toMatch(/CONFLICT|FORBIDDEN/);
      }
      const pickup = (await guest.ok('order.place', { ...dineIn(), fulfillment: 'pickup', table: undefined }))
        .orderId;
      for (const status of ['accepted', 'preparing', 'ready'])
        await front.ok('order.update_status', { orderId: pickup, status });
      const wrong = await front.cmd('order.update_status', { orderId: pickup, status: 'served' });
      expect(wrong.error?.code).toMatch(/CONFLICT|FORBIDDEN/);
      await front.ok('order.update_status', { orderId, status: 'served' });
    });

    it('refuses a missing, long or odd table, a table on other orders, and an address on dine-in', async () => {
      const field = async (data: Record<string, unknown>) => {
        const reply = await guest.cmd('order.place', data);
        expect(reply.error?.code).toBe('VALIDATION_FAILED');
        return (reply.error?.details?.fields as Array<{ field: string; messages: string[] }>)[0];
      };
      expect((await field(dineIn({ table: undefined }))).messages).toContain(
        'table is required for dine_in orders',
      );
      expect((await field(dineIn({ table: 'x'.repeat(10_240) }))).field).toBe('table');
      expect((await field(dineIn({ table: '' }))).field).toBe('table');
      expect((await field(dineIn({ table: 'T4\nDROP' }))).field).toBe('table');
      expect((await field(dineIn({ table: 4 }))).field).toBe('table');
      expect((await field(dineIn({ fulfillment: 'pickup' }))).messages).toEqual([
        'table is for dine_in orders only',
      ]);
      const address = await field(dineIn({ deliveryAddress: { line1: '1 Main St', city: 'Lisbon' } }));
      expect(address).toEqual({
        field: 'deliveryAddress',
        messages: ['dine_in orders have no deliveryAddress'],
      });
    });
  });
}

describeEngines('dine-in', (engine, env) => dineInSuite(engine, env));
