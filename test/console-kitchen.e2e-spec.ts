import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeBrowser, launchChromium } from './support/browser.js';
import { connect, type TestClient } from './support/client.js';
import { publishEvent } from './support/publish.js';
import { startHub, type TestHub } from './support/hub.js';
import { tokenFor } from './support/tokens.js';

const TABLET = { width: 1024, height: 768 };
const TENANT = 'r-kds';
const MENU = {
  currency: 'EUR',
  items: [
    { sku: 'burger', name: 'Classic burger', price: 850, available: true, station: 'grill' },
    { sku: 'lemonade', name: 'Lemonade', price: 300, available: true, station: 'bar' },
  ],
  settings: { ackEscalateSeconds: 0 },
};
const order = (orderId: string, burgers: number) => ({
  orderId,
  fulfillment: 'pickup',
  items: [
    { sku: 'burger', quantity: burgers },
    { sku: 'lemonade', quantity: 1 },
  ],
});

/**
 * The kitchen screen's sound and all-day counts (issue #31, parts 3 and 6), in Chromium with the
 * page's clock installed (the 15-second repeat is run, not waited for).
 */
describeBrowser('the kitchen screen: sound that repeats for waiting tickets, all-day counts', () => {
  let browser: Browser;
  let hub: TestHub;
  let context: BrowserContext;
  let page: Page;
  let guest: TestClient;
  let front: TestClient;
  const sound = () => page.getAttribute('[data-testid=sound]', 'data-state');
  const alerts = async () => Number(await page.getAttribute('[data-testid=sound]', 'data-alerts'));

  beforeAll(async () => {
    browser = await launchChromium();
    hub = await startHub();
    await publishEvent(hub, TENANT, 'menu.updated', MENU, 'menu').expect(202);
    guest = await connect(hub, 'customer', 'c-1', { tenantId: TENANT });
    front = await connect(hub, 'crew', 'f-1', { tenantId: TENANT, extraClaims: { crewRole: 'front' } });
    context = await browser.newContext({ viewport: TABLET, locale: 'en-GB' });
    page = await context.newPage();
    await page.clock.install();
    await page.goto(
      `${hub.url}/console/crew#token=${tokenFor('crew', 'k-1', TENANT, { crewRole: 'kitchen' })}`,
    );
    await page.waitForSelector('[data-testid=connection][data-status=open]', { timeout: 15_000 });
  }, 60_000);
  afterAll(async () => {
    guest?.close();
    front?.close();
    await context?.close();
    await hub?.close();
    await browser?.close();
  });

  it('sound is on by default but waits for a tap, as browsers require, and says so', async () => {
    await expect(sound()).resolves.toBe('locked');
    await expect(page.textContent('[data-testid=sound]')).resolves.toBe('Tap anywhere to turn sound on');
    await page.mouse.click(600, 700);
    await expect(sound()).resolves.toBe('on');
  });

  it('a new ticket rings, and rings again every 15 s until someone accepts it', async () => {
    await guest.ok('order.place', order('o-1', 2));
    await page.waitForSelector('[data-testid=ticket-o-1]');
    await expect(alerts()).resolves.toBe(1);
    await page.clock.runFor(15_000);
    await expect(alerts()).resolves.toBe(2);
    await page.clock.runFor(15_000);
    await expect(alerts()).resolves.toBe(3);
    await front.ok('order.update_status', { orderId: 'o-1', status: 'accepted' });
    await page.waitForSelector('[data-testid=ticket-o-1][data-status=accepted]');
    await page.clock.runFor(30_000);
    await expect(alerts()).resolves.toBe(3);
  });

  it('all-day counts what the open orders still need, per station, bumped lines left out', async () => {
    await guest.ok('order.place', order('o-2', 1));
    await page.waitForSelector('[data-testid=ticket-o-2]');
    const count = (station: string, name: string) =>
      page.textContent(`[data-testid=all-day-${station}] [data-testid="all-day-count-${name}"]`);
    await expect(count('grill', 'Classic burger')).resolves.toBe('3 × Classic burger');
    await expect(count('bar', 'Lemonade')).resolves.toBe('2 × Lemonade');
    await front.ok('order.update_status', { orderId: 'o-1', status: 'preparing' });
    await front.ok('order.item_ready', { orderId: 'o-1', lineIndexes: [0] });
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="all-day-count-Classic burger"]')?.textContent?.startsWith('1 ×'),
    );
  });

  it("a ticket's clock runs to the second, and its colour and 'late' are read from that same clock", async () => {
    await guest.ok('order.place', order('o-3', 1));
    const age = '[data-testid=age-o-3]';
    await page.waitForSelector(age);
    // The page's clock is ahead of the hub's by what earlier tests ran: measure from what it shows.
    const seconds = async () => {
      const [m, sec] = (await page.textContent(age))!.split(':').map(Number);
      return m! * 60 + sec!;
    };
    const start = await seconds();
    expect(start).toBeLessThan(60);
    await expect(page.getAttribute(age, 'data-state')).resolves.toBe('ok');
    // Unaccepted, it is late at ORDER_ACCEPT_SLA_SECONDS (120 s here, under the 20-minute prep time).
    await page.clock.runFor((61 - start) * 1000);
    await expect(page.getAttribute(age, 'data-state')).resolves.toBe('warn');
    await page.clock.runFor(60_000);
    await expect(page.getAttribute(age, 'data-state')).resolves.toBe('late');
    await expect(seconds()).resolves.toBeGreaterThanOrEqual(120);
    await page.waitForSelector('[data-testid=ticket-o-3] .tag.late');
    // Accepted, it is measured by the prep time: 2 minutes of 20 is not late.
    await front.ok('order.update_status', { orderId: 'o-3', status: 'accepted' });
    await page.waitForSelector('[data-testid=ticket-o-3][data-status=accepted]');
    await expect(page.getAttribute(age, 'data-state')).resolves.toBe('ok');
    expect(await page.$('[data-testid=ticket-o-3] .tag.late')).toBeNull();
  });

  it('the keyboard and bump bar: a number selects, Enter bumps, Backspace recalls, ? shows the keys', async () => {
    await guest.ok('order.place', order('o-4', 1));
    await page.waitForSelector('[data-testid=ticket-o-4]');
    const ids = await page.$$eval('article.ticket', (a) => a.map((x) => x.getAttribute('data-testid')));
    const n = ids.indexOf('ticket-o-4') + 1;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(10);
    await page.keyboard.press(String(n));
    await page.waitForSelector('[data-testid=ticket-o-4][data-selected=true]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=ticket-o-4][data-status=accepted]');
    // The selection stays on it; arrows walk the tickets in reading order.
    await page.keyboard.press('ArrowLeft');
    await expect(page.$$('article.ticket[data-selected=true]')).resolves.toHaveLength(1);
    await page.keyboard.press('r');
    await page.waitForSelector('[data-testid=recalled] [data-testid=ticket-o-4]');
    await expect(page.textContent('#recalled-h')).resolves.toMatch(/^Recalled: A-\d{3}$/);
    await page.waitForSelector('[data-testid=recall-list] [data-testid=recall-o-4]', { state: 'attached' });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=recalled]', { state: 'detached' });
    await page.keyboard.press('?');
    await page.waitForSelector('[data-testid=keys-help]');
    await expect(page.textContent('[data-testid=keys-help]')).resolves.toContain(
      'advance the chosen ticket one step',
    );
    await page.keyboard.press('?');
    await page.waitForSelector('[data-testid=keys-help]', { state: 'detached' });
  });

  it('prints an 80 mm kitchen ticket (the print stylesheet, as a PDF), and each accepted ticket when asked', async () => {
    await page.evaluate(() => {
      const w = window as unknown as { printed: number };
      w.printed = 0;
      window.print = () => void w.printed++;
    });
    const printed = () => page.evaluate(() => (window as unknown as { printed: number }).printed);
    await page.click('[data-testid=more-o-4]');
    await page.click('[data-testid=print-o-4]');
    await page.waitForSelector('#print-root [data-testid=print-slip][data-kind=kitchen]', {
      state: 'attached',
    });
    await expect(printed()).resolves.toBe(1);
    await page.emulateMedia({ media: 'print' });
    try {
      const slip = (await page.$('#print-root'))!;
      const box = (await slip.boundingBox())!;
      // 74 mm of the 80 mm roll at 96 dpi, and nothing else on the page.
      expect(box.width).toBeGreaterThan(250);
      expect(box.width).toBeLessThanOrEqual((80 / 25.4) * 96);
      expect(await page.isVisible('.crew')).toBe(false);
      await expect(page.textContent('#print-root .slip-lines')).resolves.toContain('1× Classic burger');
      const pdf = await page.pdf({ width: '80mm', printBackground: true });
      expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
      expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
    } finally {
      await page.emulateMedia({ media: 'screen' });
      await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    }
    await page.waitForSelector('#print-root [data-testid=print-slip]', { state: 'detached' });
    // Auto-print: this screen's accept prints the kitchen ticket (by tap or by key).
    await page.click('[data-testid=screen-settings]');
    await page.check('[data-testid=auto-print]');
    await guest.ok('order.place', order('o-5', 1));
    await page.click('[data-testid=step-o-5-accepted]');
    await page.waitForSelector('[data-testid=ticket-o-5][data-status=accepted]');
    await page.waitForFunction(() => (window as unknown as { printed: number }).printed === 2);
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  });

  it('muting is remembered on this device', async () => {
    await page.click('[data-testid=sound]');
    await expect(sound()).resolves.toBe('muted');
    const before = await alerts();
    await page.clock.runFor(15_000);
    await expect(alerts()).resolves.toBe(before);
    await page.reload();
    await page.waitForSelector('[data-testid=connection][data-status=open]', { timeout: 15_000 });
    await expect(sound()).resolves.toBe('muted');
  });
});
