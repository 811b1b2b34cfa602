import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { connect, refused, type TestClient } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeEngines } from './support/redis.js';
import { mintToken } from './support/tokens.js';

/** Burgers on the grill, fries at the fryer, shakes at the bar; the water is nobody's. */
const menu = (settings: Record<string, unknown> = {}) => ({
  currency: 'EUR',
  items: [
    { sku: 'burger', name: 'Burger', price: 850, available: true, station: 'grill' },
    { sku: 'fries', name: 'Fries', price: 300, available: true, station: 'fry' },
    { sku: 'shake', name: 'Shake', price: 450, available: true, station: 'bar' },
    { sku: 'water', name: 'Water', price: 150, available: true },
  ],
  settings,
});
const ORDER = {
  items: ['burger', 'fries', 'shake', 'water'].map((sku) => ({ sku, quantity: 1 })),
  fulfillment: 'pickup',
};

/** Stations per item (docs/protocol.md section 13) on one hub; `env` chooses the engine. */
function linesSuite(engine: string, env: () => Record<string, string>): void {
  describe(`stations per item (${engine} engine)`, () => {
    let hub: TestHub;
    let customer: TestClient;
    let grill: TestClient;
    let fry: TestClient;
    let front: TestClient;
    const publish = (settings: Record<string, unknown> = {}) =>
      request(hub.app.getHttpServer())
        .post('/api/v1/events')
        .set('Authorization', `Bearer ${mintToken({ sub: 'pos', role: 'service', tenants: ['r-1'] })}`)
        .send({ type: 'menu.updated', tenantId: 'r-1', data: menu(settings) });
    const station = (sub: string, stations: string[]) =>
      connect(hub, 'crew', sub, { extraClaims: { crewRole: 'kitchen', stations } });
    /** An order of the four lines, accepted and preparing. */
    const preparing = async () => {
      const { orderId } = await customer.ok('order.place', ORDER);
      await front.ok('order.update_status', { orderId, status: 'accepted' });
      await front.ok('order.update_status', { orderId, status: 'preparing' });
      return orderId;
    };
    beforeAll(async () => {
      hub = await startHub(env());
      expect((await publish()).status).toBe(202);
      customer = await connect(hub, 'customer', 'c-1');
      grill = await station('k-grill', ['grill']);
      fry = await station('k-fry', ['fry']);
      front = await connect(hub, 'crew', 'f-1', { extraClaims: { crewRole: 'front' } });
      await customer.waitFor('menu.updated');
    });
    afterAll(async () => {
      for (const c of [customer, grill, fry, front]) c?.close();
      await hub?.close();
    });

    it('each line carries its station; a station screen knows its stations from its welcome', async () => {
      expect((await grill.waitFor('system.welcome')).data.user).toMatchObject({ stations: ['grill'] });
      const created = fry.next('order.created');
      await customer.ok('order.place', ORDER);
      const { items } = (await created).data.order as { items: Array<{ sku: string; station?: string }> };
      expect(items.map((i) => [i.sku, i.station])).toEqual([
        ['burger', 'grill'],
        ['fries', 'fry'],
        ['shake', 'bar'],
        ['water', undefined],
      ]);
    });

    it('stations bump their own lines (and nobody’s), not another station’s; the others hear it; all ready is the front’s call', async () => {
      const orderId = await preparing();
      const heard = fry.next('order.lines_ready', (e) => e.data.orderId === orderId);
      expect(await grill.ok('order.item_ready', { orderId, lineIndexes: [0, 3] })).toEqual({
        orderId,
        linesReady: [0, 3],
        status: 'preparing',
      });
      expect((await heard).data).toMatchObject({
        lineIndexes: [0, 3],
        linesReady: [0, 3],
        readyBy: { id: 'k-grill', type: 'crew' },
      });
      const foreign = await grill.cmd('order.item_ready', { orderId, lineIndexes: [1] });
      expect(foreign.error).toMatchObject({
        code: 'FORBIDDEN',
        details: { lines: [1], stations: ['grill'] },
      });
      // Two stations at once: both lines are kept (compare-and-set, retried).
      const [a, b] = await Promise.all([
        fry.ok('order.item_ready', { orderId, lineIndexes: [1] }),
        front.ok('order.item_ready', { orderId, lineIndexes: [2] }),
      ]);
      expect([a.linesReady, b.linesReady].map((l) => (l as number[]).length).sort()).toEqual([3, 4]);
      // Again: nothing changes, the same answer.
      expect(await fry.ok('order.item_ready', { orderId, lineIndexes: [1] })).toEqual({
        orderId,
        linesReady: [0, 1, 2, 3],
        status: 'preparing',
      });
      // Without autoReadyWhenAllLinesReady the order waits for the front.
      await front.ok('order.update_status', { orderId, status: 'ready' });
      const board = await connect(hub, 'crew', 'f-2', { extraClaims: { crewRole: 'front' } });
      const orders = (await board.waitFor('order.board')).data.orders as Array<Record<string, unknown>>;
      expect(orders.find((o) => o.orderId === orderId)).toMatchObject({
        status: 'ready',
        linesReady: [0, 1, 2, 3],
      });
      board.close();
    });

    it('with autoReadyWhenAllLinesReady the last bump makes the order ready, announced by the hub', async () => {
      expect((await publish({ autoReadyWhenAllLinesReady: true })).status).toBe(202);
      await customer.next('menu.updated');
      const orderId = await preparing();
      await front.ok('order.item_ready', { orderId, lineIndexes: [2, 3] });
      await grill.ok('order.item_ready', { orderId, lineIndexes: [0] });
      const ready = customer.next(
        'order.status_updated',
        (e) => e.data.orderId === orderId && e.data.status === 'ready',
      );
      expect(await fry.ok('order.item_ready', { orderId, lineIndexes: [1] })).toEqual({
        orderId,
        linesReady: [0, 1, 2, 3],
        status: 'ready',
      });
      expect((await ready).sender).toEqual({ id: 'hub', type: 'system' });
      expect((await publish()).status).toBe(202);
    });

    it('refuses bad bumps with a documented code', async () => {
      const orderId = await preparing();
      const code = async (who: TestClient, data: Record<string, unknown>) =>
        (await who.cmd('order.item_ready', data)).error?.code;
      for (const lineIndexes of [
        [],
        [-1],
        [50],
        [0, 0],
        ['x'],
        'all',
        Array.from({ length: 51 }, (_, i) => i),
      ])
        expect(await code(front, { orderId, lineIndexes })).toBe('VALIDATION_FAILED');
      const outside = await front.cmd('order.item_ready', { orderId, lineIndexes: [4] });
      expect(outside.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { fields: [{ field: 'lineIndexes' }] },
      });
      expect(await code(front, { orderId: 'o-nope', lineIndexes: [0] })).toBe('NOT_FOUND');
      expect(await code(front, { orderId, lineIndexes: [0], tenantId: 'r-2' })).toBe('FORBIDDEN');
      expect(await code(customer, { orderId, lineIndexes: [0] })).toBe('FORBIDDEN');
      const courier = await connect(hub, 'crew', 'd-1', { extraClaims: { crewRole: 'courier' } });
      expect(await code(courier, { orderId, lineIndexes: [0] })).toBe('FORBIDDEN');
      courier.close();
      // Only while preparing.
      const { orderId: placed } = await customer.ok('order.place', ORDER);
      expect(await code(front, { orderId: placed, lineIndexes: [0] })).toBe('CONFLICT');
    });

    it('refuses a token whose stations claim is not a short list of station names', async () => {
      for (const stations of [
        'grill',
        ['gr:ill'],
        ['x'.repeat(33)],
        Array.from({ length: 17 }, (_, i) => `s${i}`),
        [1],
      ])
        expect(
          (await refused(hub, 'crew', 'k-bad', { extraClaims: { crewRole: 'kitchen', stations } })).code,
        ).toBe('UNAUTHORIZED');
    });
  });
}

describeEngines('stations per item', (engine, env) => linesSuite(engine, env));
