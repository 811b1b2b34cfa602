import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axe, describeBrowser, launchChromium, shot } from './support/browser.js';
import { connect, type TestClient } from './support/client.js';
import { publishEvent } from './support/publish.js';
import { startHub, type TestHub } from './support/hub.js';
import { tokenFor } from './support/tokens.js';

const TABLET = { width: 1024, height: 768 };
const TENANT = 'r-dense';
const MENU = {
  currency: 'EUR',
  items: [
    {
      sku: 'burger',
      name: 'Classic burger',
      price: 850,
      available: true,
      modifiers: [
        { id: 'cheese', name: 'Cheese', price: 100 },
        { id: 'bacon', name: 'Bacon', price: 150 },
      ],
    },
    { sku: 'fries', name: 'Fries', price: 300, available: true },
    { sku: 'lemonade', name: 'Lemonade', price: 300, available: true },
    { sku: 'salad', name: 'Green salad', price: 700, available: true },
  ],
};
const ALLERGY = 'No onions, allergy: sesame';
/** A Friday evening's ten open orders: dine-in tables, pickups and deliveries, a note on some. */
const ORDERS = [
  {
    fulfillment: 'dine_in',
    table: 'T4',
    items: [
      ['burger', 2, ['cheese', 'bacon']],
      ['fries', 2],
    ],
  },
  {
    fulfillment: 'pickup',
    items: [
      ['salad', 1],
      ['lemonade', 1],
    ],
    notes: ALLERGY,
  },
  {
    fulfillment: 'delivery',
    items: [
      ['burger', 1, ['cheese']],
      ['fries', 1],
      ['lemonade', 1],
    ],
  },
  { fulfillment: 'pickup', items: [['burger', 3]] },
  {
    fulfillment: 'dine_in',
    table: 'T12',
    items: [
      ['salad', 2],
      ['lemonade', 2],
    ],
    notes: 'Birthday, one candle',
  },
  { fulfillment: 'delivery', items: [['fries', 2]] },
  {
    fulfillment: 'pickup',
    items: [
      ['burger', 1, ['bacon']],
      ['salad', 1],
    ],
  },
  { fulfillment: 'dine_in', table: 'T2', items: [['lemonade', 4]] },
  {
    fulfillment: 'pickup',
    items: [
      ['burger', 2],
      ['fries', 1],
    ],
  },
  {
    fulfillment: 'delivery',
    items: [
      ['salad', 1],
      ['fries', 1],
    ],
    notes: 'Gluten free please',
  },
] as const;
/** Where each order is on the board: four placed, two accepted, three cooking, one ready. */
const STEPS: string[][] = [
  [],
  [],
  [],
  [],
  ['accepted'],
  ['accepted'],
  ['accepted', 'preparing'],
  ['accepted', 'preparing'],
  ['accepted', 'preparing'],
  ['accepted', 'preparing', 'ready'],
];

/**
 * The kitchen board at a tablet's 1024×768 with ten open orders (issue #31, part 1): how many
 * tickets a cook sees without scrolling, read at arm's length, measured in Chromium.
 */
describeBrowser('the kitchen board on a tablet: dense and legible', () => {
  let browser: Browser;
  let hub: TestHub;
  let context: BrowserContext;
  let page: Page;
  let guest: TestClient;
  let front: TestClient;
  const ids = ORDERS.map((_, n) => `d-${n + 1}`);

  beforeAll(async () => {
    browser = await launchChromium();
    hub = await startHub();
    await publishEvent(hub, TENANT, 'menu.updated', MENU, 'menu').expect(202);
    guest = await connect(hub, 'customer', 'c-1', { tenantId: TENANT });
    front = await connect(hub, 'crew', 'f-1', { tenantId: TENANT, extraClaims: { crewRole: 'front' } });
    for (const [n, o] of ORDERS.entries()) {
      await guest.ok('order.place', {
        orderId: ids[n],
        fulfillment: o.fulfillment,
        ...('table' in o ? { table: o.table } : {}),
        ...('notes' in o ? { notes: o.notes } : {}),
        ...(o.fulfillment === 'delivery'
          ? { deliveryAddress: { line1: 'Rua Augusta 1', city: 'Lisboa' } }
          : {}),
        items: o.items.map(([sku, quantity, modifiers]) => ({ sku, quantity, modifiers })),
      });
      for (const status of STEPS[n]!) await front.ok('order.update_status', { orderId: ids[n], status });
    }
    context = await browser.newContext({ viewport: TABLET, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    await page.goto(
      `${hub.url}/console/crew#token=${tokenFor('crew', 'k-1', TENANT, { crewRole: 'kitchen' })}`,
    );
    await page.waitForSelector('[data-testid=connection][data-status=open]', { timeout: 15_000 });
    await page.waitForFunction(() => document.querySelectorAll('article.ticket').length === 10);
  }, 60_000);
  afterAll(async () => {
    guest?.close();
    front?.close();
    await context?.close();
    await hub?.close();
    await browser?.close();
  });

  it('at 1024×768 at least 8 of 10 open tickets are wholly on screen, nothing covering them', async () => {
    await shot(page, 'crew-tablet');
    const visible = await page.$$eval(
      'article.ticket',
      (tickets) =>
        tickets.filter((t) => {
          const r = t.getBoundingClientRect();
          const inside = r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
          // Not under a toast or a bar: the middle and both bottom corners are the ticket's own.
          const own = (x: number, y: number) => t.contains(document.elementFromPoint(x, y));
          return (
            inside &&
            own((r.left + r.right) / 2, (r.top + r.bottom) / 2) &&
            own(r.left + 4, r.bottom - 4) &&
            own(r.right - 4, r.bottom - 4)
          );
        }).length,
    );
    expect(visible).toBeGreaterThanOrEqual(8);
    // And the page does not scroll sideways.
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(
      1024,
    );
  });

  it('the order number and the items are at least 24 px; modifiers are indented under their item', async () => {
    const px = (selector: string) =>
      page.$$eval(selector, (all) => all.map((e) => parseFloat(getComputedStyle(e).fontSize)));
    const numbers = await px('article.ticket .number');
    expect(numbers).toHaveLength(10);
    expect(Math.min(...numbers)).toBeGreaterThanOrEqual(24);
    const items = await px('article.ticket .items .item');
    expect(items.length).toBe(ORDERS.reduce((n, o) => n + o.items.length, 0));
    expect(Math.min(...items)).toBeGreaterThanOrEqual(24);
    const indent = await page.$eval(`[data-testid=line-${ids[0]}-0]`, (li) => {
      const name = li.querySelector('.item')!.getBoundingClientRect();
      const mods = li.querySelector('.mods')!.getBoundingClientRect();
      return { left: mods.left - name.left, below: mods.top >= name.bottom - 1, text: li.textContent };
    });
    expect(indent.left).toBeGreaterThanOrEqual(16);
    expect(indent.below).toBe(true);
    expect(indent.text).toContain('Cheese, Bacon');
  });

  it('fulfilment is a large badge (the table for dine-in); notes and allergies are a high-contrast band', async () => {
    const badge = (id: string) =>
      page.$eval(`[data-testid=fulfilment-${id}]`, (b) => {
        const s = getComputedStyle(b);
        return { text: b.textContent, size: parseFloat(s.fontSize), weight: Number(s.fontWeight) };
      });
    await expect(badge(ids[0]!)).resolves.toEqual({
      text: 'Table T4',
      size: expect.any(Number),
      weight: 700,
    });
    await expect(badge(ids[1]!)).resolves.toMatchObject({ text: 'Pickup' });
    await expect(badge(ids[2]!)).resolves.toMatchObject({ text: 'Delivery' });
    expect((await badge(ids[0]!)).size).toBeGreaterThanOrEqual(20);
    const band = await page.$eval(`[data-testid=notes-${ids[1]}]`, (n) => {
      const s = getComputedStyle(n);
      return { text: n.textContent, background: s.backgroundColor, size: parseFloat(s.fontSize) };
    });
    expect(band.text).toContain(ALLERGY);
    expect(band.background).not.toBe('rgba(0, 0, 0, 0)');
    expect(band.size).toBeGreaterThanOrEqual(20);
    // Contrast is axe's to measure (color-contrast is a serious violation), with the rest of the view.
    expect(await axe(page)).toEqual([]);
  });

  it("each ticket is an article named by its order number first; the next step is one tap, the rest behind 'more'", async () => {
    for (const id of ids) {
      const number = (await page.textContent(`[data-testid=ticket-${id}] .number`))!;
      const named = page.getByRole('article', { name: number, exact: false });
      const names = await named.evaluateAll((a) => a.map((x) => x.getAttribute('aria-label')));
      expect(names.some((n) => n!.startsWith(`${number},`))).toBe(true);
    }
    // A placed ticket: Accept is on the ticket; the estimate, printing and Reject are behind More.
    const first = ids[0]!;
    expect(await page.isVisible(`[data-testid=step-${first}-accepted]`)).toBe(true);
    expect(await page.$(`[data-testid=eta-${first}]`)).toBeNull();
    await page.click(`[data-testid=more-${first}]`);
    await expect(page.getAttribute(`[data-testid=more-${first}]`, 'aria-expanded')).resolves.toBe('true');
    for (const part of [`eta-${first}`, `print-${first}`, `step-${first}-rejected`])
      expect(await page.isVisible(`[data-testid=${part}]`)).toBe(true);
    await page.click(`[data-testid=more-${first}]`);
    expect(await page.$(`[data-testid=eta-${first}]`)).toBeNull();
  });
});
