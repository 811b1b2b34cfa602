import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeBrowser, launchChromium } from './support/browser.js';
import { publishEvent } from './support/publish.js';
import { startHub, type TestHub } from './support/hub.js';
import { tokenFor } from './support/tokens.js';

const TABLET = { width: 1024, height: 768 };
const PHONE = { width: 390, height: 844 };
const TENANT = 'r-ops';

/** Burgers on the grill, fries at the fryer (docs/protocol.md section 13, stations per item). */
const MENU = {
  currency: 'EUR',
  items: [
    { sku: 'burger', name: 'Classic burger', price: 850, available: true, station: 'grill' },
    { sku: 'fries', name: 'Fries', price: 300, available: true, station: 'fry' },
  ],
};

async function open(browser: Browser, hub: TestHub, view: string, token: string, size = TABLET) {
  const context: BrowserContext = await browser.newContext({
    viewport: size,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const page: Page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${hub.url}/console/${view}#token=${token}`);
  await page.waitForSelector('[data-testid=connection][data-status=open]', { timeout: 15_000 });
  return { page, context, errors };
}

/** A `datetime-local` value `minutes` from now (the context's zone is UTC). */
const localIn = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 16);

describeBrowser(
  'the console runs a restaurant: store status, dine-in, scheduled orders, stations, hours',
  () => {
    let browser: Browser;
    let hub: TestHub;
    const opened: Array<{ context: BrowserContext; errors: string[] }> = [];
    beforeAll(async () => {
      browser = await launchChromium();
      hub = await startHub();
      await publishEvent(hub, TENANT, 'menu.updated', MENU, 'menu').expect(202);
    });
    afterAll(async () => {
      for (const o of opened) await o.context.close();
      await hub?.close();
      await browser?.close();
    });

    it('front pauses and resumes in one tap; the customer sees it and cannot order for now, only for later', async () => {
      const front = await open(browser, hub, 'crew', tokenFor('crew', 'f-1', TENANT, { crewRole: 'front' }));
      const customer = await open(browser, hub, 'customer', tokenFor('customer', 'c-1', TENANT), PHONE);
      opened.push(front, customer);
      const f = front.page;
      const c = customer.page;
      await f.waitForSelector('[data-testid=store-status][data-status=open]');
      await f.click('[data-testid=store-pause]');
      await f.waitForSelector('[data-testid=store-status][data-status=paused]');
      await c.waitForSelector('[data-testid=store-status][data-status=paused]');
      await c.click('[data-testid=plus-burger]');
      expect(await c.isDisabled('[data-testid=place-order]')).toBe(true);
      // For later it may: the button schedules.
      await c.fill('[data-testid=later]', localIn(90));
      expect(await c.isDisabled('[data-testid=place-order]')).toBe(false);
      await expect(c.textContent('[data-testid=place-order]')).resolves.toBe('Schedule order');
      await c.fill('[data-testid=later]', '');
      await f.click('[data-testid=store-busy]');
      await f.waitForSelector('[data-testid=store-status][data-status=busy]');
      await expect(f.textContent('[data-testid=store-status]')).resolves.toBe('Busy: +15 min');
      await f.click('[data-testid=store-open]');
      await c.waitForSelector('[data-testid=store]', { state: 'detached' });
      expect(await c.isDisabled('[data-testid=place-order]')).toBe(false);
      // Kitchen crew see the status, without the taps.
      const kitchen = await open(
        browser,
        hub,
        'crew',
        tokenFor('crew', 'k-0', TENANT, { crewRole: 'kitchen' }),
      );
      opened.push(kitchen);
      await kitchen.page.waitForSelector('[data-testid=store-status][data-status=open]');
      expect(await kitchen.page.$('[data-testid=store-pause]')).toBeNull();
      expect([...front.errors, ...customer.errors, ...kitchen.errors]).toEqual([]);
    });

    it('a dine-in order for table T4 and an order for later: the crew see the table and the fire time', async () => {
      const customer = await open(browser, hub, 'customer', tokenFor('customer', 'c-2', TENANT), PHONE);
      const crew = await open(browser, hub, 'crew', tokenFor('crew', 'k-1', TENANT, { crewRole: 'kitchen' }));
      opened.push(customer, crew);
      const c = customer.page;
      await c.click('[data-testid=plus-burger]');
      await c.click('[data-testid=fulfillment-dine_in]');
      await c.fill('[data-testid=table]', 'T4');
      await c.click('[data-testid=place-order]');
      const card = await c.waitForSelector('[data-testid^=order-][data-status=placed]');
      const orderId = (await card.getAttribute('data-testid'))!.slice('order-'.length);
      await crew.page.waitForSelector(`[data-testid=fulfilment-${orderId}]`);
      await expect(crew.page.textContent(`[data-testid=fulfilment-${orderId}]`)).resolves.toBe('Table T4');
      // For later: stored as scheduled, in the crew's scheduled column with when it fires.
      await c.click('[data-testid=plus-fries]');
      await c.click('[data-testid=fulfillment-pickup]');
      await c.fill('[data-testid=later]', localIn(120));
      await c.click('[data-testid=place-order]');
      const later = await c.waitForSelector('[data-testid^=order-][data-status=scheduled]');
      const laterId = (await later.getAttribute('data-testid'))!.slice('order-'.length);
      await c.waitForSelector(`[data-testid=scheduled-${laterId}]`);
      await crew.page.waitForSelector(`[data-testid=column-scheduled] [data-testid=ticket-${laterId}]`);
      await expect(crew.page.textContent(`[data-testid=fires-${laterId}]`)).resolves.toMatch(
        /^Fires at \d\d:\d\d \(ready \d\d:\d\d\)$/,
      );
      expect([...customer.errors, ...crew.errors]).toEqual([]);
    });

    it('the grill screen bumps its lines, the fryer’s are greyed for context; the line filter hides others’ orders', async () => {
      const customer = await open(browser, hub, 'customer', tokenFor('customer', 'c-3', TENANT), PHONE);
      const grill = await open(
        browser,
        hub,
        'crew',
        tokenFor('crew', 'k-grill', TENANT, { crewRole: 'kitchen', stations: ['grill'] }),
      );
      const front = await open(
        browser,
        hub,
        'crew',
        tokenFor('crew', 'k-2', TENANT, { crewRole: 'kitchen' }),
      );
      opened.push(customer, grill, front);
      const c = customer.page;
      await c.click('[data-testid=plus-burger]');
      await c.click('[data-testid=plus-fries]');
      await c.click('[data-testid=place-order]');
      const card = await c.waitForSelector('[data-testid^=order-][data-status=placed]');
      const orderId = (await card.getAttribute('data-testid'))!.slice('order-'.length);
      const f = front.page;
      await f.click(`[data-testid=step-${orderId}-accepted]`);
      await f.waitForSelector(`[data-testid=step-${orderId}-preparing]`);
      await f.click(`[data-testid=step-${orderId}-preparing]`);
      const g = grill.page;
      await g.waitForSelector(`[data-testid=ticket-${orderId}][data-status=preparing]`);
      expect(await g.$eval(`[data-testid=line-${orderId}-1]`, (e) => e.className)).toContain('other');
      expect(await g.$(`[data-testid=bump-${orderId}-1]`)).toBeNull();
      await g.click(`[data-testid=bump-${orderId}-0]`);
      await g.waitForSelector(`[data-testid=line-${orderId}-0].done`);
      // A kitchen screen without stations, seeing every line, gets the bump too.
      await f.waitForSelector(`[data-testid=line-${orderId}-0].done`);
      // A fries-only order is not the grill's: hidden on its screen, shown with every line.
      await c.click('[data-testid=plus-fries]');
      await c.click('[data-testid=place-order]');
      const fries = await c.waitForSelector('[data-testid^=order-][data-status=placed]');
      const friesId = (await fries.getAttribute('data-testid'))!.slice('order-'.length);
      await f.waitForSelector(`[data-testid=ticket-${friesId}]`);
      await g.click('[data-testid=screen-settings]');
      await g.selectOption('[data-testid=line]', '*');
      await g.waitForSelector(`[data-testid=ticket-${friesId}]`);
      // Back to the grill's lines: the order the grill has (it just showed it) is hidden again.
      await g.selectOption('[data-testid=line]', 'grill');
      await g.waitForSelector(`[data-testid=ticket-${friesId}]`, { state: 'detached' });
      expect(await g.$(`[data-testid=ticket-${orderId}]`)).not.toBeNull();
      expect([...customer.errors, ...grill.errors, ...front.errors]).toEqual([]);
    });

    it('the admin sets the opening hours and closes the store; a bad range is refused in words', async () => {
      const admin = await open(browser, hub, 'admin', tokenFor('admin', 'boss', TENANT), {
        width: 1440,
        height: 900,
      });
      opened.push(admin);
      const a = admin.page;
      await a.waitForSelector('[data-testid=store-status][data-status=open]');
      await a.click('text=Opening hours');
      await a.fill('[data-testid=hours-zone]', 'Mars/Olympus');
      await a.click('[data-testid=hours-save]');
      await a.waitForSelector('.toast >> text=/not an IANA time zone/');
      await a.fill('[data-testid=hours-zone]', 'Europe/Lisbon');
      await a.fill('[data-testid=hours-mon]', '11:00-15:00, 14:00-16:00');
      await a.click('[data-testid=hours-save]');
      await a.waitForSelector('.toast >> text=/overlaps another range/');
      for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])
        await a.fill(`[data-testid=hours-${day}]`, '00:00-24:00');
      await a.click('[data-testid=hours-save]');
      await a.waitForSelector('.toast >> text=Opening hours saved');
      await a.click('[data-testid=store-close]');
      await a.waitForSelector('[data-testid=store-status][data-status=closed]');
      await a.click('[data-testid=store-open]');
      await a.waitForSelector('[data-testid=store-status][data-status=open]');
      expect(admin.errors).toEqual([]);
    });
  },
);
