import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { axe, describeBrowser, launchChromium, shot } from './support/browser.js';
import { connect, type TestClient } from './support/client.js';
import { publishEvent } from './support/publish.js';
import { startHub, type TestHub } from './support/hub.js';
import { tokenFor } from './support/tokens.js';

const TENANT = 'r-1';
/** A phone, a kitchen tablet, a laptop: the sizes the README shows. */
const SIZES = [
  { width: 390, height: 844 },
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
];
const MENU = {
  currency: 'EUR',
  items: [
    {
      sku: 'burger',
      name: 'Classic burger',
      price: 850,
      available: true,
      modifiers: [{ id: 'cheese', name: 'Cheese', price: 100 }],
    },
    { sku: 'fries', name: 'Fries', price: 300, available: true },
    { sku: 'salad', name: 'Green salad', price: 700, available: true },
    { sku: 'lemonade', name: 'Lemonade', price: 300, available: false },
  ],
  settings: { timezone: 'Europe/Lisbon', courierSelfAssign: true, ackEscalateSeconds: 0 },
};
/** Who each view is signed in as. */
const VIEWS = [
  { name: 'customer', view: 'customer', token: () => tokenFor('customer', 'alice', TENANT) },
  { name: 'crew', view: 'crew', token: () => tokenFor('crew', 'k-1', TENANT, { crewRole: 'kitchen' }) },
  { name: 'courier', view: 'crew', token: () => tokenFor('crew', 'd-1', TENANT, { crewRole: 'courier' }) },
  { name: 'admin', view: 'admin', token: () => tokenFor('admin', 'manager', TENANT) },
];

/**
 * Every view at 390, 1024 and 1280 px on an evening's board (issue #31): nothing wider than the
 * screen, no serious accessibility violation; `SCREENSHOTS=docs` writes the README's pictures.
 */
describeBrowser('every console view at a phone, a tablet and a laptop', () => {
  let browser: Browser;
  let hub: TestHub;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    hub = await startHub();
    await publishEvent(hub, TENANT, 'menu.updated', MENU, 'menu').expect(202);
    const alice = await connect(hub, 'customer', 'alice', { tenantId: TENANT });
    const bob = await connect(hub, 'customer', 'bob', { tenantId: TENANT });
    const front = await connect(hub, 'crew', 'f-1', { tenantId: TENANT, extraClaims: { crewRole: 'front' } });
    clients.push(alice, bob, front);
    const place = async (who: TestClient, order: Record<string, unknown>, ...steps: string[]) => {
      const { orderId } = await who.ok('order.place', order);
      for (const status of steps) await front.ok('order.update_status', { orderId, status });
      return orderId as string;
    };
    const home = { line1: 'Rua Augusta 1', city: 'Lisboa', lat: 38.7107, lng: -9.1366 };
    await place(
      alice,
      {
        fulfillment: 'delivery',
        deliveryAddress: home,
        items: [
          { sku: 'burger', quantity: 2, modifiers: ['cheese'] },
          { sku: 'fries', quantity: 1 },
        ],
        notes: 'No onions, allergy: sesame',
      },
      'accepted',
      'preparing',
    );
    await place(bob, { fulfillment: 'dine_in', table: 'T4', items: [{ sku: 'salad', quantity: 2 }] });
    await place(bob, { fulfillment: 'pickup', items: [{ sku: 'burger', quantity: 1 }] }, 'accepted');
    await place(
      bob,
      { fulfillment: 'pickup', items: [{ sku: 'fries', quantity: 3 }] },
      'accepted',
      'preparing',
    );
    const out = await place(
      bob,
      { fulfillment: 'delivery', deliveryAddress: home, items: [{ sku: 'burger', quantity: 1 }] },
      'accepted',
      'preparing',
      'ready',
    );
    await front.ok('order.assign_courier', { orderId: out, courierId: 'd-1' });
    await place(bob, { fulfillment: 'pickup', items: [{ sku: 'salad', quantity: 1 }] }, 'rejected');
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await hub?.close();
    await browser?.close();
  });

  for (const v of VIEWS)
    it(`${v.name}: fits 390, 1024 and 1280 px, axe-clean at each`, async () => {
      const context = await browser.newContext({
        viewport: SIZES[0],
        locale: 'en-GB',
        timezoneId: 'Europe/Lisbon',
      });
      try {
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`${hub.url}/console/${v.view}#token=${v.token()}`);
        await page.waitForSelector('[data-testid=connection][data-status=open]', { timeout: 15_000 });
        // Each view with its content in: the menu, the tickets, the deliveries, today's figures.
        const content = {
          customer: '[data-testid^=order-]',
          crew: 'article.ticket',
          courier: '[data-testid=my-deliveries] [data-testid^=delivery-]',
          admin: '[data-testid=kpi-orders]:not(:empty)',
        }[v.name]!;
        await page.waitForSelector(content);
        for (const size of SIZES) {
          await page.setViewportSize(size);
          await expect(
            page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
          ).resolves.toBeLessThanOrEqual(0);
          expect(await axe(page)).toEqual([]);
          await shot(page, `${v.name}-${size.width}`, true);
          // Nothing on screen is a protocol name (order.created) or a code (ORDER_NOT_SEEN).
          const text = await page.evaluate(() => document.body.innerText);
          expect(text.match(/\b[a-z]+\.[a-z_]+\b|\b[A-Z]+_[A-Z_]+\b/g)).toBeNull();
        }
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);
});
