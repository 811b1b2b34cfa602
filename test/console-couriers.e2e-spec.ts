import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeBrowser, launchChromium } from './support/browser.js';
import { MovableClock, clockModule } from './support/clock.js';
import { connect, type TestClient } from './support/client.js';
import { publishEvent } from './support/publish.js';
import { startHub, type TestHub } from './support/hub.js';
import { tokenFor } from './support/tokens.js';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const TENANT = 'r-cour';
/** The restaurant's street (Lisbon) and where the courier stands, 1 km north. */
const DEST = { lat: 38.7139, lng: -9.1334 };
const COURIER_AT = { latitude: 38.7229, longitude: -9.1334 };

const MENU = {
  currency: 'EUR',
  items: [{ sku: 'burger', name: 'Classic burger', price: 850, available: true }],
  settings: { courierSelfAssign: true, handoffCodeRequired: true, ackEscalateSeconds: 30 },
};
const delivery = (orderId: string) => ({
  orderId,
  items: [{ sku: 'burger', quantity: 1 }],
  fulfillment: 'delivery',
  deliveryAddress: { line1: 'Rua Augusta 1', city: 'Lisboa', ...DEST },
});

type Opened = { page: Page; context: BrowserContext; errors: string[] };

async function open(
  browser: Browser,
  hub: TestHub,
  view: string,
  token: string,
  size: { width: number; height: number },
  extra: Parameters<Browser['newContext']>[0] = {},
): Promise<Opened> {
  const context = await browser.newContext({ viewport: size, locale: 'en-GB', timezoneId: 'UTC', ...extra });
  return { ...(await page(context, hub, view, token)), context };
}

async function page(context: BrowserContext, hub: TestHub, view: string, token: string) {
  const p = await context.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(`${hub.url}/console/${view}#token=${token}`);
  await p.waitForSelector('[data-testid=connection][data-status=open]', { timeout: 15_000 });
  return { page: p, errors };
}

/**
 * The console's part of couriers, the hand-over and escalation (docs/protocol.md section 14), in
 * Chromium: the admin assigns from the order list and sees couriers on a map and unseen orders on
 * top; the courier has "my deliveries", claims, and the code at the door; the customer sees the
 * code and the courier; a ticket no screen saw flashes when the crew screen comes back.
 */
describeBrowser('the console runs the deliveries: couriers, hand-over codes, unseen orders', () => {
  const clock = new MovableClock();
  let browser: Browser;
  let hub: TestHub;
  let kitchen: TestClient;
  let buyer: TestClient;
  const opened: Opened[] = [];
  let admin: Page;
  let courier: Page;
  let customer: Page;
  const codes = new Map<string, string>();

  const ready = async (orderId: string) => {
    for (const status of ['accepted', 'preparing', 'ready'])
      await kitchen.ok('order.update_status', { orderId, status });
  };
  const place = async (orderId: string) => {
    const reply = await buyer.ok('order.place', delivery(orderId));
    codes.set(orderId, reply.handoffCode as string);
  };

  beforeAll(async () => {
    browser = await launchChromium();
    hub = await startHub({}, { imports: [clockModule(clock)] });
    await publishEvent(hub, TENANT, 'menu.updated', MENU, 'menu').expect(202);
    kitchen = await connect(hub, 'crew', 'k-1', { tenantId: TENANT, extraClaims: { crewRole: 'kitchen' } });
    buyer = await connect(hub, 'customer', 'c-1', { tenantId: TENANT });
    await place('A');
    const a = await open(browser, hub, 'admin', tokenFor('admin', 'boss', TENANT), DESKTOP);
    const d = await open(
      browser,
      hub,
      'crew',
      tokenFor('crew', 'd-1', TENANT, { crewRole: 'courier' }),
      PHONE,
      {
        permissions: ['geolocation'],
        geolocation: COURIER_AT,
      },
    );
    const c = await open(browser, hub, 'customer', tokenFor('customer', 'c-1', TENANT), PHONE);
    opened.push(a, d, c);
    [admin, courier, customer] = [a.page, d.page, c.page];
  }, 60_000);
  afterAll(async () => {
    kitchen?.close();
    buyer?.close();
    for (const o of opened) await o.context.close();
    await hub?.close();
    await browser?.close();
  });

  it('the admin assigns a courier from the order list; the courier has it in "my deliveries" before it is ready', async () => {
    await admin.fill('[data-testid=assign-to-A]', 'd-1');
    await admin.click('[data-testid=assign-A]');
    await admin.waitForSelector('[data-testid=holder-A]:has-text("d-1")');
    await courier.waitForSelector('[data-testid=my-deliveries] [data-testid=delivery-A][data-status=placed]');
    // The customer sees the code to tell at the door; the crew never get it.
    await expect(customer.textContent('[data-testid=handoff-A]')).resolves.toContain(codes.get('A'));
  });

  it('out it goes: the admin sees the courier on the map, the customer sees the courier too', async () => {
    await ready('A');
    await courier.click('[data-testid=step-A-out_for_delivery]');
    await courier.waitForSelector('[data-testid=delivery-A][data-status=out_for_delivery]');
    await courier.check('[data-testid=share-position]');
    await admin.waitForSelector('[data-testid=courier-dot-A]');
    await expect(admin.textContent('[data-testid=courier-row-A]')).resolves.toMatch(/^d-1 with A-001/);
    await customer.waitForSelector('[data-testid=courier-A]');
    await expect(customer.textContent('[data-testid=courier-A]')).resolves.toMatch(/1(\.\d)? km away/);
  });

  it('at the door the code is required: no code no button, a wrong code is refused, the right one delivers', async () => {
    const button = '[data-testid=step-A-delivered]';
    expect(await courier.isDisabled(button)).toBe(true);
    const wrong = String((Number(codes.get('A')) + 1) % 10_000).padStart(4, '0');
    await courier.fill('[data-testid=code-A]', wrong);
    await courier.click(button);
    await courier.waitForSelector('.toast.error:has-text("hand-over code")');
    await expect(courier.getAttribute('[data-testid=delivery-A]', 'data-status')).resolves.toBe(
      'out_for_delivery',
    );
    await courier.fill('[data-testid=code-A]', codes.get('A')!);
    await courier.click(button);
    await customer.waitForSelector('[data-testid=order-A][data-status=delivered]');
    await courier.waitForSelector('[data-testid=delivery-A]', { state: 'detached' });
    await customer.waitForSelector('[data-testid=handoff-A]', { state: 'detached' });
  });

  it('a courier claims a ready order nobody holds', async () => {
    await place('B');
    await ready('B');
    await courier.waitForSelector('[data-testid=open-deliveries] [data-testid=delivery-B]');
    await courier.click('[data-testid=claim-B]');
    await courier.waitForSelector('[data-testid=my-deliveries] [data-testid=delivery-B][data-mine=true]');
    await admin.waitForSelector('[data-testid=holder-B]:has-text("d-1")');
  });

  it('at 360 px the customer orders with the toast clear of the buttons, and the card lists what was ordered', async () => {
    const small = await open(browser, hub, 'customer', tokenFor('customer', 'c-9', TENANT), {
      width: 360,
      height: 740,
    });
    opened.push(small);
    const p = small.page;
    await p.click('[data-testid=plus-burger]');
    await p.click('[data-testid=plus-burger]');
    await p.click('[data-testid=fulfillment-pickup]');
    await p.click('[data-testid=place-order]');
    const toast = await p.waitForSelector('.toast.success');
    const card = await p.waitForSelector('[data-testid^=order-][data-status=placed]');
    const id = (await card.getAttribute('data-testid'))!.slice('order-'.length);
    await expect(p.textContent(`[data-testid=items-${id}]`)).resolves.toBe('2 × Classic burger');
    // No control under the toast, and nothing wider than the phone.
    const box = (await toast.boundingBox())!;
    const under = await p.evaluate(
      ({ x, y, width, height }) =>
        [...document.querySelectorAll('button, input, select, a')].filter((el) => {
          if (el.closest('.toasts')) return false;
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.left < x + width && r.right > x && r.top < y + height && r.bottom > y;
        }).length,
      box,
    );
    expect(under).toBe(0);
    expect(
      await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
  });

  it("the admin's activity is in the restaurant's words, never a protocol name", async () => {
    await admin.reload();
    await admin.waitForSelector('[data-testid=activity] li');
    const lines = await admin.$$eval('[data-testid=activity] li', (li) => li.map((l) => l.textContent ?? ''));
    expect(lines.some((l) => /d-1 took A-\d{3} for delivery/.test(l))).toBe(true);
    expect(lines.some((l) => /k-1 marked A-\d{3} ready/.test(l))).toBe(true);
    expect(lines.filter((l) => /\b[a-z]+\.[a-z_]+\b/.test(l))).toEqual([]);
    await expect(admin.textContent('[data-testid=chart-p99] figcaption')).resolves.toBe('Delivery p99 (ms)');
    // The hub's own responsiveness (its event-loop delay) beside it, in ms, once figures arrive.
    await expect(admin.textContent('[data-testid=chart-loop] figcaption')).resolves.toBe(
      'Hub response delay p99 (ms)',
    );
    await admin.waitForFunction(() =>
      /^\d+(\.\d)? ms$/.test(document.querySelector('[data-testid=kpi-loop]')?.textContent ?? ''),
    );
  });

  it('an order no crew screen saw: on top of the admin list, and flashing when the crew screen is back', async () => {
    const crew = await open(
      browser,
      hub,
      'crew',
      tokenFor('crew', 'k-2', TENANT, { crewRole: 'kitchen' }),
      DESKTOP,
    );
    opened.push(crew);
    kitchen.close();
    await crew.page.close(); // its cursor stays in the context's storage
    await place('C');
    await admin.waitForSelector('[data-testid=row-C][data-attention=none]');
    clock.advance(31_000);
    await admin.waitForSelector('[data-testid=attention-C]', { timeout: 8000 });
    await expect(admin.getAttribute('tbody tr:first-child', 'data-testid')).resolves.toBe('row-C');
    const back = await page(
      crew.context,
      hub,
      'crew',
      tokenFor('crew', 'k-2', TENANT, { crewRole: 'kitchen' }),
    );
    await back.page.waitForSelector('[data-testid=ticket-C][data-urgent=true]');
    await back.page.waitForSelector('[data-testid=urgent-C]');
    expect([...opened.flatMap((o) => o.errors), ...back.errors]).toEqual([]);
  });
});
