import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { connect, type TestClient } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeEngines } from './support/redis.js';
import { mintToken } from './support/tokens.js';

/** A restaurant's menu as its service publishes it (docs/protocol.md section 9). */
const MENU = {
  currency: 'EUR',
  items: [
    {
      sku: 'burger',
      name: 'Burger',
      price: 850,
      available: true,
      modifiers: [
        { id: 'cheese', name: 'Extra cheese', price: 120 },
        { id: 'bacon', name: 'Bacon', price: 200 },
      ],
    },
    { sku: 'fries', name: 'Fries', price: 300, available: true },
    { sku: 'shake', name: 'Shake', price: 450, available: false },
  ],
};

const serviceToken = (tenants = ['r-1']) => mintToken({ sub: 'pos', role: 'service', tenants });

function publishMenu(hub: TestHub, tenantId: string, data: unknown = MENU, token = serviceToken([tenantId])) {
  return request(hub.app.getHttpServer())
    .post('/api/v1/events')
    .set('Authorization', `Bearer ${token}`)
    .send({ type: 'menu.updated', tenantId, data });
}

const pickup = (items: unknown[], extra: Record<string, unknown> = {}) => ({
  items,
  fulfillment: 'pickup',
  ...extra,
});

/** The menu, pricing and availability on one hub; `env` chooses the engine. */
function menuSuite(engine: string, env: () => Record<string, string>): void {
  describe(`the menu (${engine} engine)`, () => {
    let hub: TestHub;
    let customer: TestClient;
    let kitchen: TestClient;
    beforeAll(async () => {
      hub = await startHub(env());
      customer = await connect(hub, 'customer', 'c-1');
      kitchen = await connect(hub, 'crew', 'k-1', { extraClaims: { crewRole: 'kitchen' } });
      const published = kitchen.next('menu.updated');
      expect((await publishMenu(hub, 'r-1')).status).toBe(202);
      await published;
    });
    afterAll(async () => {
      customer?.close();
      kitchen?.close();
      await hub?.close();
    });

    it('a published menu reaches the tenant’s sessions, and every new session right after order.board', async () => {
      const live = await customer.waitFor('menu.updated');
      expect(live.data).toMatchObject({ currency: 'EUR', version: 1, items: MENU.items });
      const later = await connect(hub, 'customer', 'c-late');
      const types = later.received.map((e) => e.type);
      await later.waitFor('menu.updated');
      expect(later.received.map((e) => e.type).indexOf('menu.updated')).toBe(
        types.indexOf('order.board') + 1,
      );
      // Another tenant's customer hears nothing of it.
      const other = await connect(hub, 'customer', 'c-other', { tenantId: 'r-2' });
      await other.ok('heartbeat', { clientTime: Date.now() });
      expect(other.of('menu.updated')).toEqual([]);
      later.close();
      other.close();
    });

    it('prices order.place from the menu: names, modifiers, total and currency are the restaurant’s', async () => {
      const created = kitchen.next('order.created');
      const reply = await customer.ok(
        'order.place',
        pickup([
          { sku: 'burger', quantity: 2, modifiers: ['cheese', 'bacon'], name: 'Free burger' },
          { sku: 'fries', quantity: 1, unitPrice: 300 },
        ]),
      );
      const order = (await created).data.order as Record<string, unknown>;
      expect(order.orderId).toBe(reply.orderId);
      expect(order).toMatchObject({
        currency: 'EUR',
        total: 2 * (850 + 120 + 200) + 300,
        items: [
          {
            sku: 'burger',
            name: 'Burger',
            quantity: 2,
            unitPrice: 1170,
            modifiers: [
              { id: 'cheese', name: 'Extra cheese', price: 120 },
              { id: 'bacon', name: 'Bacon', price: 200 },
            ],
          },
          { sku: 'fries', name: 'Fries', quantity: 1, unitPrice: 300 },
        ],
      });
    });

    it('a forged unitPrice cannot change the total: PRICE_CHANGED with the menu’s prices, nothing placed', async () => {
      const before = (await kitchen.ok('heartbeat', { clientTime: 0 }), kitchen.of('order.created').length);
      const forged = await customer.cmd(
        'order.place',
        pickup([
          { sku: 'burger', quantity: 1, unitPrice: 1 },
          { sku: 'fries', quantity: 1, unitPrice: 300 },
        ]),
      );
      expect(forged.error).toMatchObject({
        code: 'PRICE_CHANGED',
        details: { items: [{ index: 0, sku: 'burger', reason: 'price_changed', unitPrice: 850 }] },
      });
      const currency = await customer.cmd(
        'order.place',
        pickup([{ sku: 'fries', quantity: 1 }], { currency: 'USD' }),
      );
      expect(currency.error).toMatchObject({ code: 'PRICE_CHANGED', details: { currency: 'EUR' } });
      await kitchen.ok('heartbeat', { clientTime: 0 });
      expect(kitchen.of('order.created').length).toBe(before);
    });

    it('unknown skus and modifiers are UNKNOWN_ITEM, an unavailable item ITEM_UNAVAILABLE, each line named', async () => {
      const unknown = await customer.cmd(
        'order.place',
        pickup([
          { sku: 'fries', quantity: 1 },
          { sku: 'caviar', quantity: 1 },
          { sku: 'burger', quantity: 1, modifiers: ['gold-leaf'] },
          { sku: 'shake', quantity: 1 },
        ]),
      );
      expect(unknown.error).toMatchObject({
        code: 'UNKNOWN_ITEM',
        details: {
          items: [
            { index: 1, sku: 'caviar', reason: 'unknown_sku' },
            { index: 2, sku: 'burger', reason: 'unknown_modifier', modifier: 'gold-leaf' },
          ],
        },
      });
      const unavailable = await customer.cmd('order.place', pickup([{ sku: 'shake', quantity: 1 }]));
      expect(unavailable.error).toMatchObject({
        code: 'ITEM_UNAVAILABLE',
        details: { items: [{ index: 0, sku: 'shake', reason: 'unavailable' }] },
      });
    });

    it('kitchen marks an item unavailable: customers hear it within the round trip, and it cannot be ordered', async () => {
      const heard = customer.next('menu.availability_changed');
      const reply = await kitchen.ok('menu.set_availability', { sku: 'fries', available: false });
      expect(reply).toMatchObject({ sku: 'fries', available: false });
      // The customer's copy is written before the kitchen's reply: one heartbeat later it is there.
      await customer.ok('heartbeat', { clientTime: 0 });
      const event = await heard;
      expect(event.data).toMatchObject({
        sku: 'fries',
        available: false,
        version: reply.version,
        updatedBy: { id: 'k-1', type: 'crew' },
      });
      const refused = await customer.cmd('order.place', pickup([{ sku: 'fries', quantity: 1 }]));
      expect(refused.error?.code).toBe('ITEM_UNAVAILABLE');
      const fresh = await connect(hub, 'customer', 'c-after-86');
      const menu = await fresh.waitFor('menu.updated');
      expect(
        (menu.data.items as Array<{ sku: string; available: boolean }>).find((i) => i.sku === 'fries'),
      ).toMatchObject({
        available: false,
      });
      expect(menu.data.version).toBe(reply.version);
      fresh.close();
      await kitchen.ok('menu.set_availability', { sku: 'fries', available: true });
      await customer.ok('order.place', pickup([{ sku: 'fries', quantity: 1 }]));
    });

    it('menu.set_availability: only kitchen or front crew and admins; a sku off the menu is UNKNOWN_ITEM', async () => {
      const courier = await connect(hub, 'crew', 'd-1', { extraClaims: { crewRole: 'courier' } });
      const plainCrew = await connect(hub, 'crew', 'k-2');
      const admin = await connect(hub, 'admin', 'a-1');
      const platform = await connect(hub, 'admin', 'root', { tenantId: '*' });
      expect(
        (await courier.cmd('menu.set_availability', { sku: 'fries', available: false })).error?.code,
      ).toBe('FORBIDDEN');
      expect(
        (await plainCrew.cmd('menu.set_availability', { sku: 'fries', available: false })).error?.code,
      ).toBe('FORBIDDEN');
      expect(
        (await customer.cmd('menu.set_availability', { sku: 'fries', available: false })).error?.code,
      ).toBe('FORBIDDEN');
      expect(
        (await kitchen.cmd('menu.set_availability', { sku: 'caviar', available: false })).error,
      ).toMatchObject({
        code: 'UNKNOWN_ITEM',
        details: { items: [{ sku: 'caviar', reason: 'unknown_sku' }] },
      });
      expect(
        (await kitchen.cmd('menu.set_availability', { sku: 'fries', available: false, tenantId: 'r-2' }))
          .error?.code,
      ).toBe('FORBIDDEN');
      expect(
        (await kitchen.cmd('menu.set_availability', { sku: 'fries', available: 'no' })).error?.code,
      ).toBe('VALIDATION_FAILED');
      expect(await admin.ok('menu.set_availability', { sku: 'fries', available: true })).toMatchObject({
        available: true,
      });
      expect(
        (await platform.cmd('menu.set_availability', { sku: 'fries', available: true, tenantId: 'r-9' }))
          .error?.code,
      ).toBe('NOT_FOUND');
      for (const c of [courier, plainCrew, admin, platform]) c.close();
    });

    it('abuse: duplicate skus, a menu past MENU_MAX_BYTES, a large non-menu body, a foreign tenant', async () => {
      const dup = await publishMenu(hub, 'r-1', { currency: 'EUR', items: [MENU.items[1], MENU.items[1]] });
      expect(dup.status).toBe(400);
      expect(dup.body.error.details.fields[0]).toMatchObject({ field: 'data.items.1.sku' });
      const huge = {
        currency: 'EUR',
        items: Array.from({ length: 500 }, (_, i) => ({
          sku: `s-${i}`,
          name: 'x'.repeat(200),
          price: 1,
          available: true,
          description: 'y'.repeat(500),
        })),
      };
      expect((await publishMenu(hub, 'r-1', huge)).status).toBe(413);
      const bigNotification = await request(hub.app.getHttpServer())
        .post('/api/v1/events')
        .set('Authorization', `Bearer ${serviceToken()}`)
        .send({
          type: 'notification',
          tenantId: 'r-1',
          data: { level: 'info', message: 'x'.repeat(40_000) },
        });
      expect(bigNotification.status).toBe(413);
      expect((await publishMenu(hub, 'r-2', MENU, serviceToken(['r-1']))).status).toBe(403);
      const stillThere = await connect(hub, 'customer', 'c-check');
      expect((await stillThere.waitFor('menu.updated')).data.items).toHaveLength(3);
      stillThere.close();
    });

    it('MENU_MAX_TENANTS: a new tenant’s menu past it is LIMIT_REACHED; a tenant with one may replace it', async () => {
      // The suite's hub keeps 3 menus: r-1 has one; two more fill it. A publish is accepted, then
      // applied from the queue: the count is of stored menus, so wait until both are stored.
      const watchers = await Promise.all(
        ['r-3', 'r-4'].map((t) => connect(hub, 'customer', 'c-w', { tenantId: t })),
      );
      expect((await publishMenu(hub, 'r-3')).status).toBe(202);
      expect((await publishMenu(hub, 'r-4')).status).toBe(202);
      await Promise.all(watchers.map((w) => w.waitFor('menu.updated')));
      for (const w of watchers) w.close();
      const full = await publishMenu(hub, 'r-5');
      expect(full.status).toBe(409);
      expect(full.body.error).toMatchObject({ code: 'LIMIT_REACHED', details: { scope: 'menus', limit: 3 } });
      expect((await publishMenu(hub, 'r-3', { ...MENU, items: MENU.items.slice(0, 1) })).status).toBe(202);
    });
  });
}

const MENU_ENV = { MENU_MAX_TENANTS: '3', CATALOG_REQUIRED: 'false' };

describeEngines(
  'the menu',
  (engine, env) => menuSuite(engine, () => ({ ...MENU_ENV, ...env() })),
  (redisOf) => {
    it('two nodes: an item marked on one node reaches a customer on the other and is refused there', async () => {
      const redis = redisOf();
      const env = { REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix() };
      const a = await startHub({ ...env, NODE_ID: 'menu-a' });
      const b = await startHub({ ...env, NODE_ID: 'menu-b' });
      try {
        const kitchen = await connect(a, 'crew', 'k-1', { extraClaims: { crewRole: 'kitchen' } });
        const customer = await connect(b, 'customer', 'c-1');
        const menu = customer.next('menu.updated', () => true, 8000);
        expect((await publishMenu(a, 'r-1')).status).toBe(202);
        expect((await menu).data.version).toBe(1);
        const heard = customer.next('menu.availability_changed', () => true, 8000);
        await kitchen.ok('menu.set_availability', { sku: 'burger', available: false });
        expect((await heard).data).toMatchObject({ sku: 'burger', available: false });
        expect(
          (await customer.cmd('order.place', pickup([{ sku: 'burger', quantity: 1 }]))).error?.code,
        ).toBe('ITEM_UNAVAILABLE');
        kitchen.close();
        customer.close();
      } finally {
        await a.close();
        await b.close();
      }
    }, 30000);

    it('two nodes: a new price published through one node prices the next order on the other at once', async () => {
      const redis = redisOf();
      const env = { REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix() };
      const a = await startHub({ ...env, NODE_ID: 'price-a' });
      const b = await startHub({ ...env, NODE_ID: 'price-b' });
      try {
        const customer = await connect(b, 'customer', 'c-2');
        const first = customer.next('menu.updated', (e) => e.data.version === 1, 8000);
        expect((await publishMenu(a, 'r-1')).status).toBe(202);
        await first;
        // Node b priced from the menu and keeps a copy of it (up to a second).
        const before = await customer.cmd(
          'order.place',
          pickup([{ sku: 'fries', quantity: 1, unitPrice: 300 }]),
        );
        expect(before.data?.total).toBe(300);
        const raised = {
          ...MENU,
          items: MENU.items.map((i) => (i.sku === 'fries' ? { ...i, price: 350 } : i)),
        };
        const second = customer.next('menu.updated', (e) => e.data.version === 2, 8000);
        expect((await publishMenu(a, 'r-1', raised)).status).toBe(202);
        await second;
        // Within the second node b would have kept its copy, its next order has the new price:
        // the menu's change dropped every node's copy (a cluster-bus notice).
        const after = await customer.cmd(
          'order.place',
          pickup([{ sku: 'fries', quantity: 1, unitPrice: 350 }]),
        );
        expect(after.error).toBeUndefined();
        expect(after.data?.total).toBe(350);
        customer.close();
      } finally {
        await a.close();
        await b.close();
      }
    }, 30000);
  },
);

describe('without a menu', () => {
  it('CATALOG_REQUIRED (the production default) refuses order.place; off, the client’s prices are kept', async () => {
    const strict = await startHub({ CATALOG_REQUIRED: 'true' });
    const loose = await startHub({ CATALOG_REQUIRED: 'false' });
    try {
      expect(strict.config.menu.required).toBe(true);
      const c1 = await connect(strict, 'customer', 'c-1');
      expect(
        (await c1.cmd('order.place', pickup([{ sku: 'burger', quantity: 1 }], { currency: 'EUR' }))).error,
      ).toMatchObject({
        code: 'UNKNOWN_ITEM',
        details: { reason: 'no_menu', items: [] },
      });
      const c2 = await connect(loose, 'customer', 'c-1');
      const missing = await c2.cmd('order.place', pickup([{ sku: 'burger', quantity: 1 }]));
      expect(missing.error?.code).toBe('VALIDATION_FAILED');
      expect((missing.error?.details?.fields as Array<{ field: string }>).map((f) => f.field)).toEqual([
        'items.0.name',
        'items.0.unitPrice',
        'currency',
      ]);
      // null is not "left out" (the fuzzer found currency: null reaching the pricing as INTERNAL).
      for (const nulled of [
        pickup([{ sku: 'burger', name: 'Burger', quantity: 1, unitPrice: 850 }], { currency: null }),
        pickup([{ sku: 'burger', name: null, quantity: 1, unitPrice: 850 }], { currency: 'EUR' }),
        pickup([{ sku: 'burger', name: 'Burger', quantity: 1, unitPrice: null }], { currency: 'EUR' }),
        pickup([{ sku: 'burger', name: 'Burger', quantity: 1, unitPrice: 850, modifiers: null }], {
          currency: 'EUR',
        }),
      ]) {
        expect((await c2.cmd('order.place', nulled)).error?.code).toBe('VALIDATION_FAILED');
        expect((await c1.cmd('order.place', nulled)).error?.code).toBe('VALIDATION_FAILED');
      }
      const crew = await connect(loose, 'crew', 'k-1');
      const created = crew.next('order.created');
      await c2.ok(
        'order.place',
        pickup([{ sku: 'burger', name: 'Burger', quantity: 2, unitPrice: 850 }], { currency: 'eur' }),
      );
      expect((await created).data.order).toMatchObject({ total: 1700, currency: 'EUR' });
      for (const c of [c1, c2, crew]) c.close();
    } finally {
      await strict.close();
      await loose.close();
    }
  });
});
