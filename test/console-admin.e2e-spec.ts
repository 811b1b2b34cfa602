import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { axe, describeBrowser, launchChromium, shot } from './support/browser.js';
import { MovableClock, clockModule } from './support/clock.js';
import { connect, type TestClient } from './support/client.js';
import { publishEvent } from './support/publish.js';
import { startHub, type TestHub } from './support/hub.js';
import { tokenFor } from './support/tokens.js';

const TENANT = 'r-admin';
const DESKTOP = { width: 1280, height: 900 };
const LONG = { exp: Math.floor(Date.now() / 1000) + 80_000 };
const MENU = {
  currency: 'EUR',
  items: [
    { sku: 'burger', name: 'Classic burger', price: 850, available: true },
    { sku: 'fries', name: 'Fries', price: 300, available: true },
  ],
  settings: { timezone: 'Europe/Lisbon', prepMinutes: 15, ackEscalateSeconds: 0 },
};
/** 20:00 in Lisbon (UTC in December), a Monday evening: the page's and the hub's "now". */
const NOW = Date.parse('2026-12-07T20:00:00Z');
const at = (hhmm: string) => Date.parse(`2026-12-07T${hhmm}:00Z`);

/** Reads a download's file as text, without the BOM, as lines of cells (no quoted commas here). */
async function csvOf(download: Download): Promise<string[][]> {
  const text = readFileSync((await download.path())!, 'utf8');
  expect(text.charCodeAt(0)).toBe(0xfeff);
  return text
    .slice(1)
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
}

/**
 * The admin view in the restaurant's terms (issue #31, part 7): today's figures from the day book
 * and the board, the CSV exports, the hub's own figures behind "System"; in Chromium.
 */
describeBrowser("the admin view: the restaurant's day, its exports, and the system behind a tab", () => {
  const clock = new MovableClock();
  let browser: Browser;
  let hub: TestHub;
  let context: BrowserContext;
  let page: Page;
  let guest: TestClient;
  let front: TestClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    browser = await launchChromium();
    clock.set(at('18:00'));
    hub = await startHub({ ORDER_ACCEPT_SLA_SECONDS: '900' }, { imports: [clockModule(clock)] });
    await publishEvent(hub, TENANT, 'menu.updated', MENU, 'menu').expect(202);
    guest = await connect(hub, 'customer', 'c-1', { tenantId: TENANT, extraClaims: LONG });
    front = await connect(hub, 'crew', 'f-1', {
      tenantId: TENANT,
      extraClaims: { ...LONG, crewRole: 'front' },
    });
    /** At `time` (hub clock): place an order, or move one. */
    const place = async (name: string, time: string, extra: Record<string, unknown> = {}) => {
      clock.set(at(time));
      ids[name] = (
        await guest.ok('order.place', {
          items: [{ sku: 'burger', quantity: 1 }],
          fulfillment: 'pickup',
          ...extra,
        })
      ).orderId as string;
    };
    const move = async (name: string, time: string, ...statuses: string[]) => {
      clock.set(at(time));
      for (const status of statuses) await front.ok('order.update_status', { orderId: ids[name], status });
    };
    // Two finished (ready after 12 and 20 minutes), one rejected, one cooking since 19:26 (late:
    // prep is 15 minutes), one just placed.
    await place('first', '18:30', {
      items: [
        { sku: 'burger', quantity: 2 },
        { sku: 'fries', quantity: 1 },
      ],
    });
    await move('first', '18:31', 'accepted', 'preparing');
    await move('first', '18:42', 'ready');
    await move('first', '18:45', 'picked_up');
    await place('table', '19:05', { fulfillment: 'dine_in', table: 'T4' });
    await move('table', '19:06', 'accepted', 'preparing');
    await move('table', '19:25', 'ready', 'served');
    await place('cooking', '19:25');
    await move('cooking', '19:26', 'accepted', 'preparing');
    await place('refused', '19:30');
    await move('refused', '19:31', 'rejected');
    await place('new', '19:50', { items: [{ sku: 'fries', quantity: 1 }] });
    clock.set(NOW);

    context = await browser.newContext({
      viewport: DESKTOP,
      locale: 'en-GB',
      timezoneId: 'Europe/Lisbon',
      acceptDownloads: true,
    });
    page = await context.newPage();
    await page.clock.install({ time: NOW });
    await page.goto(`${hub.url}/console/admin#token=${tokenFor('admin', 'boss', TENANT, LONG)}`);
    await page.waitForSelector('[data-testid=connection][data-status=open]', { timeout: 15_000 });
  }, 60_000);
  afterAll(async () => {
    guest?.close();
    front?.close();
    await context?.close();
    await hub?.close();
    await browser?.close();
  });

  it('opens on today: orders, the last hour, takings, prep times, what is late or unseen', async () => {
    await page.waitForFunction(() => document.querySelector('[data-testid=kpi-orders]')?.textContent === '4');
    const kpi = (id: string) => page.textContent(`[data-testid=kpi-${id}]`);
    await expect(page.getAttribute('[data-testid=tab-today]', 'aria-selected')).resolves.toBe('true');
    await expect(page.textContent('#today-h')).resolves.toBe('Today, 2026-12-07');
    await expect(page.textContent('[data-testid=today]')).resolves.toContain('and 1 rejected or cancelled');
    await expect(kpi('last-hour')).resolves.toBe('3');
    // 20.00 + 8.50 + 8.50 + 3.00: the rejected order is not takings.
    await expect(kpi('revenue')).resolves.toBe('€40.00');
    await expect(kpi('avg-prep')).resolves.toBe('16 min');
    await expect(kpi('p90-prep')).resolves.toBe('20 min');
    await expect(kpi('late')).resolves.toBe('1');
    await expect(kpi('unseen')).resolves.toBe('0');
    // The store's status is on this tab; the hub's connections and delivery figures are not.
    expect(await page.isVisible('[data-testid=store-status]')).toBe(true);
    expect(await page.isVisible('[data-testid=kpis]')).toBe(false);
    await shot(page, 'admin-today');
    expect(await axe(page)).toEqual([]);
  });

  it("exports today's orders as CSV: one row per order, times in the restaurant's zone, words not codes", async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=csv-orders]'),
    ]);
    expect(download.suggestedFilename()).toBe('orders-2026-12-07.csv');
    const [header, ...rows] = await csvOf(download);
    expect(header).toEqual([
      'Number',
      'Order id',
      'Placed at',
      'Fulfilment',
      'Table',
      'Status',
      'Items',
      'Total',
      'Currency',
      'Payment',
      'Accepted at',
      'Ready at',
      'Finished at',
      'Prep minutes',
      'Courier',
    ]);
    expect(rows.map((r) => r[1])).toEqual([ids.first, ids.table, ids.cooking, ids.refused, ids.new]);
    expect(rows[0]).toEqual([
      'A-001',
      ids.first,
      '2026-12-07 18:30:00',
      'Pickup',
      '',
      'Picked up',
      '2× Classic burger; 1× Fries',
      '20.00',
      'EUR',
      'Pending',
      '2026-12-07 18:31:00',
      '2026-12-07 18:42:00',
      '2026-12-07 18:45:00',
      '12.0',
      '',
    ]);
    expect(rows[1]!.slice(3, 6)).toEqual(['Dine in', 'T4', 'Served']);
    expect(rows[3]![5]).toBe('Rejected');
  });

  it("exports today's activity as CSV, in words (with the action's code for machines)", async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=csv-audit]'),
    ]);
    expect(download.suggestedFilename()).toBe('activity-2026-12-07.csv');
    const [header, ...rows] = await csvOf(download);
    expect(header).toEqual(['When', 'Who', 'Role', 'What', 'Action code', 'Order']);
    const accepted = rows.find((r) => r[3] === 'f-1 marked A-001 accepted');
    expect(accepted).toMatchObject({ 0: '2026-12-07 18:31:00', 1: 'f-1', 2: 'front', 5: 'A-001' });
    expect(rows.every((r) => !/\b[a-z]+\.[a-z_]+\b/.test(r[3]!))).toBe(true);
    await page.waitForSelector('[data-testid=toast-success]');
  });

  it("the hub's figures and undelivered messages are under System, a tab like any other", async () => {
    await page.keyboard.press('Tab');
    await page.focus('[data-testid=tab-today]');
    await page.keyboard.press('ArrowRight');
    await expect(page.getAttribute('[data-testid=tab-system]', 'aria-selected')).resolves.toBe('true');
    expect(await page.isVisible('[data-testid=kpis]')).toBe(true);
    expect(await page.isVisible('[data-testid=dead-letters]')).toBe(true);
    expect(await page.isVisible('[data-testid=today]')).toBe(false);
    expect(await axe(page)).toEqual([]);
    await page.click('[data-testid=tab-today]');
    expect(await page.isVisible('[data-testid=today]')).toBe(true);
  });
});
