import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Header, Module, ServiceUnavailableException } from '@nestjs/common';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { axe, describeBrowser, launchChromium, shot } from './support/browser.js';
import { connect } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { mintToken, tokenFor } from './support/tokens.js';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
/** The restaurant (Lisbon), and where the customer and the courier stand. */
const HOME = { latitude: 38.7139, longitude: -9.1334 };
const COURIER_AT = { latitude: 38.7223, longitude: -9.1393 };

const MENU = {
  currency: 'EUR',
  items: [
    { sku: 'burger', name: 'Classic burger', price: 850, available: true },
    { sku: 'fries', name: 'Fries', price: 300, available: true },
    { sku: 'soup', name: 'Soup of the day', price: 450, available: false },
  ],
};

async function publishMenu(hub: TestHub, tenantId: string): Promise<void> {
  await request(hub.app.getHttpServer())
    .post('/api/v1/events')
    .set('Authorization', `Bearer ${mintToken({ sub: 'menu', role: 'service', tenants: [tenantId] })}`)
    .send({ type: 'menu.updated', tenantId, data: MENU })
    .expect(202);
}

type Opened = { page: Page; context: BrowserContext; errors: string[] };

/** A view in a context of its own (its own storage), signed in through the address fragment. */
async function open(
  browser: Browser,
  hub: TestHub,
  view: string,
  token: string | undefined,
  size: { width: number; height: number },
  extra: Parameters<Browser['newContext']>[0] = {},
): Promise<Opened> {
  const context = await browser.newContext({ viewport: size, locale: 'en-GB', ...extra });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${hub.url}/console/${view}${token ? `#token=${token}` : ''}`);
  return { page, context, errors };
}

const live = (page: Page) =>
  page.waitForSelector('[data-testid=connection][data-status=open]', { timeout: 15_000 });

describeBrowser('the console views in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe('a full shift across three roles, on phones and a desktop', () => {
    let hub: TestHub;
    const opened: Opened[] = [];
    beforeAll(async () => {
      hub = await startHub({ METRICS_INTERVAL_MS: '300', ORDER_ACCEPT_SLA_SECONDS: '3' });
      await publishMenu(hub, 'r-shift');
    });
    afterAll(async () => {
      for (const o of opened) await o.context.close();
      await hub?.close();
    });

    it('place → accept → prepare → ready → out for delivery → delivered; each view follows, axe-clean', async () => {
      const geo = { permissions: ['geolocation'] };
      const customer = await open(browser, hub, 'customer', tokenFor('customer', 'c-ana', 'r-shift'), PHONE, {
        ...geo,
        geolocation: HOME,
      });
      const kitchen = await open(
        browser,
        hub,
        'crew',
        tokenFor('crew', 'k-1', 'r-shift', { crewRole: 'kitchen' }),
        DESKTOP,
      );
      const courier = await open(
        browser,
        hub,
        'crew',
        tokenFor('crew', 'd-1', 'r-shift', { crewRole: 'courier' }),
        PHONE,
        {
          ...geo,
          geolocation: COURIER_AT,
        },
      );
      const admin = await open(browser, hub, 'admin', tokenFor('admin', 'boss', 'r-shift'), DESKTOP);
      opened.push(customer, kitchen, courier, admin);
      for (const o of opened) await live(o.page);
      // The address bar no longer holds the token.
      expect(new URL(customer.page.url()).hash).toBe('');

      // The customer orders from the published menu: prices in the locale's money, sold out marked.
      const c = customer.page;
      await c.waitForSelector('[data-testid=item-burger]');
      await expect(c.textContent('[data-testid=item-burger] .price')).resolves.toBe('€8.50');
      expect(await c.isDisabled('[data-testid=plus-soup]')).toBe(true);
      await c.click('[data-testid=plus-burger]');
      await c.click('[data-testid=plus-burger]');
      await c.click('[data-testid=plus-fries]');
      await expect(c.textContent('[data-testid=cart-total]')).resolves.toBe('€20.00');
      await c.click('[data-testid=fulfillment-delivery]');
      await c.fill('[data-testid=address-line1]', 'Rua Augusta 1');
      await c.fill('[data-testid=address-city]', 'Lisboa');
      await c.check('[data-testid=address-pin]');
      await c.waitForSelector('[data-testid=address-pin]:checked');
      await c.click('[data-testid=place-order]');
      const card = await c.waitForSelector('[data-testid^=order-][data-status=placed]');
      const orderId = (await card.getAttribute('data-testid'))!.slice('order-'.length);
      await expect(card.textContent()).resolves.toContain('A-001');

      // The kitchen: a new ticket with its short number, highlighted, late after the SLA (3 s).
      const k = kitchen.page;
      const ticket = `[data-testid=ticket-${orderId}]`;
      await k.waitForSelector(`${ticket}.new`);
      await expect(k.textContent(`${ticket} .number`)).resolves.toBe('A-001');
      await k.waitForSelector(`${ticket}.sla-late`, { timeout: 6000 });
      await shot(k, 'crew-desktop');
      // Accepting with an estimate: the customer sees when to expect it.
      // The estimate is behind the ticket's "more" (the next step is on the ticket itself).
      await k.click(`[data-testid=more-${orderId}]`);
      await k.selectOption(`[data-testid=eta-${orderId}]`, '20');
      await k.click(`[data-testid=step-${orderId}-accepted]`);
      await c.waitForSelector(`[data-testid=eta-${orderId}]`);
      await expect(c.textContent(`[data-testid=eta-${orderId}]`)).resolves.toMatch(/^Expected at \d\d:\d\d$/);
      for (const step of ['preparing', 'ready'] as const) {
        await k.click(`[data-testid=step-${orderId}-${step}]`);
        await c.waitForSelector(`[data-testid=timeline-${orderId}] li.done[data-status=${step}]`);
      }
      await k.waitForSelector(`${ticket}[data-status=ready]`);

      // The courier: the delivery with its address; out it goes, sharing a position.
      const d = courier.page;
      const delivery = `[data-testid=delivery-${orderId}]`;
      await d.waitForSelector(delivery);
      await expect(d.textContent(`${delivery} address`)).resolves.toContain('Rua Augusta 1');
      await d.click(`[data-testid=step-${orderId}-out_for_delivery]`);
      await d.waitForSelector(`${delivery}[data-status=out_for_delivery]`);
      await d.check('[data-testid=share-position]');
      await d.waitForSelector(`[data-testid=distance-${orderId}]`);
      await expect(d.textContent(`[data-testid=distance-${orderId}]`)).resolves.toMatch(
        /1(\.\d)? km from the destination/,
      );
      await shot(d, 'courier-phone');
      const a = admin.page;
      await a.waitForSelector(`[data-testid=row-${orderId}][data-status=out_for_delivery]`);
      await a.waitForFunction(
        () => document.querySelector('[data-testid=kpi-connections]')?.textContent !== '—',
      );
      await shot(a, 'admin-desktop');

      // An announcement to customers and crew: a visible notice in every such view, couriers too.
      await a.uncheck('[data-testid=announce-crew]');
      await a.check('[data-testid=announce-crew]');
      await a.uncheck('[data-testid=announce-admin]');
      await a.selectOption('[data-testid=announce-level]', 'warning');
      await a.fill('[data-testid=announce-message]', 'Kitchen closes at 22:00');
      await a.click('[data-testid=announce-send]');
      await a.waitForSelector('[data-testid=toast-success]');
      for (const page of [c, k, d]) {
        await page.waitForSelector('[data-testid=notices] .notice.warning');
        await expect(page.textContent('[data-testid=notices]')).resolves.toContain('Kitchen closes at 22:00');
      }

      // The customer sees the courier relative to the destination, without map tiles.
      await c.waitForSelector(`[data-testid=courier-${orderId}]`);
      await expect(c.textContent(`[data-testid=courier-${orderId}]`)).resolves.toMatch(
        /Your courier is 1(\.\d)? km away/,
      );
      await c.waitForSelector(`[data-testid=order-${orderId}] [data-testid=relmap]`);
      await shot(c, 'customer-phone');

      await d.click(`[data-testid=step-${orderId}-delivered]`);
      await c.waitForSelector(`[data-testid=timeline-${orderId}] li.done[data-status=delivered]`);

      // The admin's board: delivered orders leave the active list; the filters find them.
      await a.waitForSelector(`[data-testid=row-${orderId}]`, { state: 'detached' });
      await a.selectOption('[data-testid=filter-status]', 'delivered');
      await a.waitForSelector(`[data-testid=row-${orderId}][data-status=delivered]`);
      await a.fill('[data-testid=filter-search]', 'c-ana');
      await a.waitForSelector(`[data-testid=row-${orderId}]`);
      await a.fill('[data-testid=filter-search]', 'nobody');
      await a.waitForSelector(`[data-testid=row-${orderId}]`, { state: 'detached' });
      await a.fill('[data-testid=filter-search]', '');
      await a.selectOption('[data-testid=filter-status]', 'active');

      for (const o of opened) {
        expect(await axe(o.page)).toEqual([]);
        expect(o.errors).toEqual([]);
      }
    }, 60_000);

    it('a destructive step asks twice and can be undone for 5 s', async () => {
      const k = opened[1].page;
      // The undo window is run on the page's clock, not waited for.
      await k.clock.install();
      const sam = await connect(hub, 'customer', 'c-sam', { tenantId: 'r-shift' });
      const { orderId } = await sam.ok('order.place', {
        items: [{ sku: 'fries', quantity: 1 }],
        fulfillment: 'pickup',
      });
      const reject = `[data-testid=step-${orderId}-rejected]`;
      await k.click(`[data-testid=more-${orderId}]`);
      await k.waitForSelector(reject);
      await k.click(reject);
      await expect(k.textContent(reject)).resolves.toContain('Tap again to Reject');
      await k.click(reject);
      await k.click('[data-testid=toast-info] button'); // Undo
      await k.clock.runFor(5500);
      await k.waitForSelector(`[data-testid=ticket-${orderId}][data-status=placed]`);
      await sam.ok('heartbeat', { clientTime: 1 });
      expect(sam.of('order.status_updated')).toHaveLength(0);
      await k.click(reject);
      await k.click(reject);
      await k.clock.runFor(5500);
      await k.waitForSelector(`[data-testid=ticket-${orderId}]`, { state: 'detached', timeout: 8000 });
      await sam.waitFor('order.status_updated', (e) => (e.data as { status: string }).status === 'rejected');
      sam.close();
    }, 20_000);

    it('at 390 px each view fits the width; the admin is stale-marked when the hub is gone', async () => {
      for (const o of opened.filter((x) => x.page.viewportSize()!.width === PHONE.width)) {
        const overflow = await o.page.evaluate(
          () => document.documentElement.scrollWidth - window.innerWidth,
        );
        expect(overflow).toBeLessThanOrEqual(0);
      }
      // The kitchen's board on a phone: one column under the other, nothing wider than the screen.
      const k = opened[1].page;
      await k.setViewportSize(PHONE);
      const lee = await connect(hub, 'customer', 'c-lee', { tenantId: 'r-shift' });
      const { orderId } = await lee.ok('order.place', {
        items: [
          { sku: 'burger', quantity: 1 },
          { sku: 'fries', quantity: 2 },
        ],
        fulfillment: 'pickup',
        notes: 'no onions',
      });
      await k.waitForSelector(`[data-testid=ticket-${orderId}].new`);
      lee.close();
      expect(
        await k.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBeLessThanOrEqual(0);
      await shot(k, 'crew-phone');
      const c = opened[0].page;
      await c.setViewportSize(DESKTOP);
      await shot(c, 'customer-desktop');
      for (const page of [k, c]) expect(await axe(page)).toEqual([]);
      const a = opened[3].page;
      await a.setViewportSize(PHONE);
      expect(
        await a.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBeLessThanOrEqual(0);
      await shot(a, 'admin-phone');
      expect(await axe(a)).toEqual([]);
      await hub.app.close();
      await a.click('[data-testid=tab-system]');
      await a.waitForSelector('[data-testid=kpis][data-stale=true]', { timeout: 10_000 });
      await a.waitForSelector('[data-testid=problem][data-problem="problem.unreachable"]', {
        timeout: 10_000,
      });
    }, 30_000);
  });

  it('a view opened in a background tab (no frames, timers throttled) still gets the board and marks new tickets', async () => {
    const hub = await startHub();
    // Like a background tab: animation frames never come and short timers wait a second, so the
    // view's subscriptions are made late. The hub's first messages must not be missed for that.
    const background = `(() => {
      window.requestAnimationFrame = () => 0;
      const later = window.setTimeout.bind(window);
      window.setTimeout = (fn, ms, ...args) => later(fn, ms && ms < 1000 ? 1000 : ms, ...args);
    })();`;
    let kitchen: Opened | undefined;
    try {
      await publishMenu(hub, 'r-bg');
      const ana = await connect(hub, 'customer', 'c-ana', { tenantId: 'r-bg' });
      const before = await ana.ok('order.place', {
        items: [{ sku: 'fries', quantity: 1 }],
        fulfillment: 'pickup',
      });
      const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB' });
      await context.addInitScript(background);
      const page = await context.newPage();
      kitchen = { page, context, errors: [] };
      page.on('pageerror', (e) => kitchen!.errors.push(e.message));
      await page.goto(
        `${hub.url}/console/crew#token=${tokenFor('crew', 'k-bg', 'r-bg', { crewRole: 'kitchen' })}`,
      );
      await live(page);
      // The order placed before the page opened comes with the board, not highlighted as new.
      await page.waitForSelector(`[data-testid=ticket-${before.orderId}]`, { timeout: 10_000 });
      expect(await page.getAttribute(`[data-testid=ticket-${before.orderId}]`, 'class')).not.toContain('new');
      const after = await ana.ok('order.place', {
        items: [{ sku: 'burger', quantity: 1 }],
        fulfillment: 'pickup',
      });
      await page.waitForSelector(`[data-testid=ticket-${after.orderId}].new`, { timeout: 10_000 });
      expect(kitchen.errors).toEqual([]);
      ana.close();
    } finally {
      await kitchen?.context.close();
      await hub.close();
    }
  }, 30_000);

  it('the admin sees an undelivered message appear and sends it again', async () => {
    const hub = await startHub({ DELIVERY_BACKOFF_MS: '40', DELIVERY_MAX_ATTEMPTS: '2' });
    const admin = await open(browser, hub, 'admin', tokenFor('admin', 'boss', 'r-dl'), DESKTOP);
    try {
      await live(admin.page);
      // Undelivered messages are the hub's business: under the System tab.
      await admin.page.click('[data-testid=tab-system]');
      await admin.page.waitForSelector('[data-testid=dead-letters] .empty');
      // A crew device that never acknowledges: the order it is owed ends as a dead letter.
      const silent = await connect(hub, 'crew', 'k-silent', { tenantId: 'r-dl', autoAck: false });
      const customer = await connect(hub, 'customer', 'c-dl', { tenantId: 'r-dl' });
      await customer.ok('order.place', {
        items: [{ sku: 'x', name: 'X', quantity: 1, unitPrice: 100 }],
        currency: 'EUR',
        fulfillment: 'pickup',
      });
      const replay = await admin.page.waitForSelector('[data-testid^=replay-]', { timeout: 10_000 });
      await expect(admin.page.textContent('[data-testid=dead-letters] li b')).resolves.toBe('New order');
      // The alert is on the Today tab (hidden while System is open): there, not necessarily shown.
      await admin.page.waitForSelector(
        '[data-testid=alerts] .sev-warning, [data-testid=alerts] .sev-critical',
        { state: 'attached' },
      );
      silent.autoAck = true;
      await replay.click();
      await admin.page.waitForSelector('[data-testid=toast-success]');
      await admin.page.waitForSelector('[data-testid=dead-letters] .empty');
      expect(await axe(admin.page)).toEqual([]);
      expect(admin.errors).toEqual([]);
      // Alerts have a history: a page opened later lists the one raised before it.
      const later = await admin.context.newPage();
      await later.goto(`${hub.url}/console/admin#token=${tokenFor('admin', 'boss', 'r-dl')}`);
      await live(later);
      await later.waitForSelector('[data-testid=alerts] li');
      // In words: the alert's code stays in the markup, never on screen.
      await expect(later.textContent('[data-testid=alerts] b[data-code=DELIVERY_FAILED]')).resolves.toBe(
        'A message could not be delivered',
      );
      await expect(later.textContent('[data-testid=alerts]')).resolves.not.toContain('DELIVERY_FAILED');
      for (const c of [silent, customer]) c.close();
    } finally {
      await admin.context.close();
      await hub.close();
    }
  }, 30_000);

  describe('signing in, and every way it can fail, explained on the page', () => {
    it('no token: the sign-in form (with the development shortcut only where the hub mints demo tokens)', async () => {
      const hub = await startHub({ DEV_TOKENS: 'true' });
      const plain = await startHub();
      try {
        const dev = await open(browser, hub, 'crew', undefined, PHONE);
        await dev.page.waitForSelector('[data-testid=signin]');
        expect(await dev.page.isVisible('[data-testid=dev-signin]')).toBe(true);
        expect(await axe(dev.page)).toEqual([]);
        await shot(dev.page, 'signin-phone');
        await dev.page.fill('#dev-tenant', 'r-dev');
        await dev.page.click('[data-testid=dev-submit]');
        await live(dev.page);
        await expect(dev.page.textContent('[data-testid=who]')).resolves.toBe(
          'Signed in as kitchen-1 · r-dev · kitchen',
        );
        await dev.context.close();

        const prod = await open(browser, plain, 'crew', undefined, PHONE);
        await prod.page.waitForSelector('[data-testid=signin]');
        expect(await prod.page.isVisible('[data-testid=dev-signin]')).toBe(false);
        // A pasted token works as one handed over in the address.
        await prod.page.fill('[data-testid=token-input]', 'not-a-token');
        await prod.page.click('[data-testid=token-submit]');
        await prod.page.waitForSelector('[data-testid=problem][data-problem="signin.invalid"]');
        await prod.page.fill('[data-testid=token-input]', tokenFor('crew', 'k-2', 'r-1'));
        await prod.page.click('[data-testid=token-submit]');
        await live(prod.page);
        await prod.context.close();
      } finally {
        await hub.close();
        await plain.close();
      }
    }, 30_000);

    it('a refused token, a token for another role, and demo sign-in switched off after a restart', async () => {
      const hub = await startHub({ DEV_TOKENS: 'true' });
      try {
        const forged = mintToken(
          { sub: 'x', role: 'crew', tenantId: 'r-1' },
          { secret: 'another-secret-0123456789abcdef' },
        );
        const refused = await open(browser, hub, 'crew', forged, PHONE);
        await refused.page.waitForSelector('[data-testid=problem][data-problem="problem.token_refused"]', {
          timeout: 15_000,
        });
        await expect(refused.page.textContent('[data-testid=problem]')).resolves.toContain('UNAUTHORIZED');
        expect(await refused.page.isVisible('[data-testid=signin]')).toBe(true);
        await refused.context.close();

        const wrong = await open(browser, hub, 'admin', tokenFor('crew', 'k-3', 'r-1'), PHONE);
        await wrong.page.waitForSelector('[data-testid=problem][data-problem="problem.link_wrong_role"]');
        await expect(wrong.page.textContent('[data-testid=problem]')).resolves.toContain('signs in a crew');
        await wrong.context.close();

        // A demo session; then the hub is redeployed on the same address with a real secret and
        // no demo tokens: the old token is refused, and a new one cannot be minted.
        const demo = await open(browser, hub, 'customer', undefined, PHONE);
        await demo.page.click('[data-testid=dev-submit]');
        await live(demo.page);
        const port = String(hub.port);
        await hub.close();
        const again = await startHub({
          PORT: port,
          JWT_SECRET: 'a-real-secret-0123456789abcdef',
          DEV_TOKENS: 'false',
        });
        try {
          await demo.page.waitForSelector('[data-testid=problem][data-problem="problem.devTokensOff"]', {
            timeout: 20_000,
          });
          expect(await demo.page.isVisible('[data-testid=signin]')).toBe(true);
        } finally {
          await demo.context.close();
          await again.close();
        }
      } finally {
        await hub.close().catch(() => undefined);
      }
      // Two hubs started, three pages, and the SDK's reconnect backoff across the restart: over
      // 45 s once in CI beside the other suites on two cores (each wait above is bounded itself).
    }, 60_000);

    it('a link that would sign the tab in as someone else asks first; the header says who is signed in', async () => {
      const hub = await startHub();
      const { page, context, errors } = await open(
        browser,
        hub,
        'crew',
        tokenFor('crew', 'k-me', 'r-1'),
        PHONE,
      );
      // A link in the same tab (its sessionStorage kept), as a victim would follow it.
      const follow = async (path: string, token: string) => {
        await page.goto('about:blank');
        await page.goto(`${hub.url}${path}#token=${token}`);
      };
      const who = () => page.textContent('[data-testid=who]');
      try {
        await live(page);
        await expect(who()).resolves.toMatch(/k-me · r-1 · crew/);
        await follow('/console/crew', tokenFor('crew', 'k-attacker', 'r-1'));
        await page.waitForSelector('[data-testid=handover]');
        await expect(page.textContent('[data-testid=handover]')).resolves.toMatch(
          /k-attacker · r-1 · crew.*k-me · r-1 · crew/s,
        );
        expect(await page.isVisible('[data-testid=connection]')).toBe(false); // nothing connects meanwhile
        expect(page.url()).not.toContain('token='); // out of the address bar at once
        expect(await axe(page)).toEqual([]);
        await page.click('[data-testid=handover-keep]');
        await live(page);
        await expect(who()).resolves.toMatch(/k-me/);
        // Asked again, and this time accepted.
        await follow('/console/crew', tokenFor('crew', 'k-relief', 'r-1'));
        await page.click('[data-testid=handover-accept]');
        await live(page);
        await expect(who()).resolves.toMatch(/k-relief · r-1 · crew/);
        // The same person's new token (a refresh) is taken without asking.
        await follow('/console/crew', tokenFor('crew', 'k-relief', 'r-1'));
        await live(page);
        expect(await page.isVisible('[data-testid=handover]')).toBe(false);
        // A link for another restaurant than it names: said, even with nobody to replace.
        await follow('/console/crew?tenant=r-1', tokenFor('crew', 'k-relief', 'r-2'));
        await page.waitForSelector('[data-testid=handover] .warn');
        await expect(page.textContent('[data-testid=handover] .warn')).resolves.toContain('r-1');
        await page.click('[data-testid=handover-keep]');
        await live(page);
        await expect(who()).resolves.toMatch(/k-relief · r-1/);
        // A customer's link on the crew view: refused, said, and the crew sign-in untouched.
        await follow('/console/crew', tokenFor('customer', 'c-x', 'r-1'));
        await page.waitForSelector('[data-testid=problem][data-problem="problem.link_wrong_role"]');
        await live(page);
        await expect(who()).resolves.toMatch(/k-relief · r-1/);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
        await hub.close();
      }
    }, 60_000);

    it('with CONSOLE_TOKEN_URL the view fetches its token from the platform, again before it expires; a failing endpoint is said', async () => {
      // The platform's token endpoint, on the same origin (as behind one proxy): a real route.
      let served = 0;
      let failing = false;
      @Controller('auth')
      class PlatformTokens {
        @Get('orderwire-token')
        @Header('Cache-Control', 'no-store')
        token(): string {
          if (failing) throw new ServiceUnavailableException();
          served++;
          return mintToken(
            { sub: 'k-platform', role: 'crew', tenantId: 'r-1', crewRole: 'kitchen' },
            { expiresIn: 8 },
          );
        }
      }
      @Module({ controllers: [PlatformTokens] })
      class PlatformModule {}
      const hub = await startHub(
        { CONSOLE_TOKEN_URL: '/auth/orderwire-token' },
        { imports: [PlatformModule] },
      );
      try {
        const view = await open(browser, hub, 'crew', undefined, PHONE);
        await live(view.page);
        await expect(view.page.textContent('[data-testid=who]')).resolves.toBe(
          'Signed in as k-platform · r-1 · kitchen',
        );
        // Past the first token's 8 s life, still live: the SDK fetched another before it expired.
        await new Promise((r) => setTimeout(r, 9000));
        await view.page.waitForSelector('[data-testid=connection][data-status=open]');
        expect(served).toBeGreaterThanOrEqual(2);
        // The platform fails: the next refresh cannot get a token, and the page says why.
        failing = true;
        await view.page.waitForSelector('[data-testid=problem][data-problem="problem.tokenUrl"]', {
          timeout: 15_000,
        });
        await expect(view.page.textContent('[data-testid=problem]')).resolves.toContain('503');
        await view.context.close();
      } finally {
        await hub.close();
      }
    }, 45_000);

    it('a customer orders with the keyboard alone', async () => {
      const hub = await startHub();
      try {
        await publishMenu(hub, 'r-keys');
        const view = await open(browser, hub, 'customer', tokenFor('customer', 'c-keys', 'r-keys'), DESKTOP);
        await live(view.page);
        await view.page.waitForSelector('[data-testid=plus-burger]');
        /** Tab until `testid` has the focus (at most 40 presses), then press Enter. */
        const reach = async (testid: string): Promise<void> => {
          for (let i = 0; i < 40; i++) {
            await view.page.keyboard.press('Tab');
            if (
              (await view.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === testid
            ) {
              return view.page.keyboard.press('Enter');
            }
          }
          throw new Error(`${testid} is not reachable with Tab`);
        };
        await reach('plus-burger');
        await view.page.keyboard.press('Enter'); // a second burger, the focus still there
        await reach('place-order');
        await view.page.waitForSelector('[data-testid^=order-][data-status=placed]');
        await expect(view.page.textContent('[data-testid^=order-] .muted')).resolves.toBe('€17.00');
        await view.context.close();
      } finally {
        await hub.close();
      }
    }, 30_000);

    it('speaks Portuguese with ?lang=pt: texts from the catalog, money and times in the locale', async () => {
      const hub = await startHub();
      try {
        await publishMenu(hub, 'r-pt');
        const context = await browser.newContext({ viewport: PHONE, locale: 'pt-PT' });
        const page = await context.newPage();
        await page.goto(`${hub.url}/console/customer?lang=pt#token=${tokenFor('customer', 'c-pt', 'r-pt')}`);
        await live(page);
        await expect(page.textContent('[data-testid=connection]')).resolves.toBe('Em direto');
        await expect(page.textContent('[data-testid=item-burger] .price')).resolves.toMatch(/^8,50\s€$/);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe('pt');
        expect(await axe(page)).toEqual([]);
        await context.close();
      } finally {
        await hub.close();
      }
    }, 30_000);
  });
});
