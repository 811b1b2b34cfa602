import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axe, describeBrowser, launchChromium } from './support/browser.js';
import { connect } from './support/client.js';
import { publishEvent } from './support/publish.js';
import { startHub, type TestHub } from './support/hub.js';
import { tokenFor } from './support/tokens.js';

const PHONE = { width: 390, height: 844 };
const MENU = {
  currency: 'EUR',
  items: [
    { sku: 'burger', name: 'Classic burger', price: 850, available: true },
    { sku: 'fries', name: 'Fries', price: 300, available: true },
  ],
};
type Handle = {
  __orderwire: { manager: { status: string; queued: number; raw: { io: { engine: { close(): void } } } } };
};

/** The customer view of `tenant`, signed in, open, on a phone. */
async function customerView(browser: Browser, hub: TestHub, tenant: string, user: string) {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-GB' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${hub.url}/console/customer#token=${tokenFor('customer', user, tenant)}`);
  await page.waitForSelector('[data-testid=connection][data-status=open]', { timeout: 15_000 });
  await page.waitForSelector('[data-testid=plus-burger]');
  return { context, page, errors };
}

async function placeFromCart(page: Page): Promise<string> {
  await page.click('[data-testid=plus-burger]');
  await page.click('[data-testid=plus-fries]');
  await page.click('[data-testid=place-order]');
  const card = await page.waitForSelector('[data-testid^=order-]', { timeout: 15_000 });
  return (await card.getAttribute('data-testid'))!.slice('order-'.length);
}

/**
 * `/console` and what the browser itself does to a view's connection (issue #31, part 9: the old
 * demo page is gone; its browser tests run against the views): the launcher, long-polling, going
 * offline and back with a command sent meanwhile, and the SDK giving up and resuming on `online`.
 */
describeBrowser('the console in the browser: the launcher and the connection', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('/console is a launcher: a card per view, in the views’ design and language, axe-clean', async () => {
    const hub = await startHub();
    const context = await browser.newContext({ viewport: PHONE, locale: 'pt-PT' });
    try {
      const page = await context.newPage();
      await page.goto(`${hub.url}/console`);
      await page.waitForSelector('[data-testid=launcher]');
      const links = await page.$$eval('[data-testid=launcher] a', (a) =>
        a.map((x) => [x.textContent, x.getAttribute('href')]),
      );
      expect(links).toEqual([
        ['O seu pedido', '/console/customer'],
        ['Talões', '/console/crew'],
        ['Operação', '/console/admin'],
      ]);
      expect(await axe(page)).toEqual([]);
      await page.click('[data-testid=open-crew]');
      await page.waitForURL(`${hub.url}/console/crew`);
      // The old demo's files are not served any more.
      for (const gone of ['console.js', 'console.css', 'index.html'])
        expect((await fetch(`${hub.url}/console/${gone}`)).status).toBe(404);
    } finally {
      await context.close();
      await hub.close();
    }
  });

  it('a view works over long-polling when the hub refuses WebSocket: order, status, payment', async () => {
    const hub = await startHub({ WS_TRANSPORTS: 'polling' });
    await publishEvent(hub, 't-poll', 'menu.updated', MENU, 'menu').expect(202);
    const opened = await customerView(browser, hub, 't-poll', 'c-poll');
    const sockets: string[] = [];
    opened.page.on('websocket', (ws) => sockets.push(ws.url()));
    try {
      const front = await connect(hub, 'crew', 'f-poll', {
        tenantId: 't-poll',
        extraClaims: { crewRole: 'front' },
        transports: ['polling'],
      });
      const orderId = await placeFromCart(opened.page);
      await front.ok('order.update_status', { orderId, status: 'accepted' });
      await opened.page.waitForSelector(`[data-testid=order-${orderId}][data-status=accepted]`);
      await publishEvent(
        hub,
        't-poll',
        'payment.confirmed',
        { orderId, amount: 1150, currency: 'EUR', method: 'card' },
        'payments',
      ).expect(202);
      await opened.page.waitForSelector(`[data-testid=order-${orderId}] >> text=Paid`);
      expect(sockets).toEqual([]);
      expect(opened.errors).toEqual([]);
      front.close();
    } finally {
      await opened.context.close();
      await hub.close();
    }
  }, 60_000);

  it('offline and back: an order placed meanwhile is sent once when the connection returns', async () => {
    const hub = await startHub();
    await publishEvent(hub, 't-off', 'menu.updated', MENU, 'menu').expect(202);
    const opened = await customerView(browser, hub, 't-off', 'c-off');
    const { page, context } = opened;
    try {
      const watcher = await connect(hub, 'crew', 'watcher', { tenantId: 't-off' });
      await context.setOffline(true);
      // The network is gone: the open socket learns it (here at once, as a phone does at its next ping).
      await page.evaluate(() => (window as unknown as Handle).__orderwire.manager.raw.io.engine.close());
      await page.waitForSelector('[data-testid=connection]:not([data-status=open])');
      await page.click('[data-testid=plus-burger]');
      await page.click('[data-testid=place-order]');
      await page.waitForSelector('[data-testid=toast-info]');
      await expect(
        page.evaluate(() => (window as unknown as Handle).__orderwire.manager.queued),
      ).resolves.toBe(1);
      expect(watcher.of('order.created')).toHaveLength(0);
      await context.setOffline(false);
      await page.waitForSelector('[data-testid=connection][data-status=open]', { timeout: 15_000 });
      await page.waitForSelector('[data-testid^=order-][data-status=placed]', { timeout: 15_000 });
      await watcher.waitFor('order.created');
      await watcher.ok('heartbeat', { clientTime: 1 });
      expect(watcher.of('order.created')).toHaveLength(1);
      await expect(page.$$('[data-testid^=order-]')).resolves.toHaveLength(1);
      expect(opened.errors).toEqual([]);
      watcher.close();
    } finally {
      await context.close();
      await hub.close();
    }
  }, 60_000);

  it('the SDK in a browser: offline once its attempts are spent, back by itself when the browser is online', async () => {
    const hub = await startHub();
    let context: BrowserContext | undefined;
    try {
      context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${hub.url}/console`);
      await page.addScriptTag({ url: '/sdk/orderwire.js' });
      const token = tokenFor('customer', 'c-sdk', 't-sdk');
      await page.evaluate((token) => {
        const w = window as unknown as Record<string, unknown> & {
          GlobalWebSocketManager: new (o: unknown) => { connect(): void; status: string };
        };
        const m = new w.GlobalWebSocketManager({
          url: location.origin,
          userType: 'customer',
          token,
          reconnectAttempts: 1,
          backoff: { minMs: 100, maxMs: 200 },
        });
        w.sdk = m;
        m.connect();
      }, token);
      type Sdk = {
        sdk: {
          status: string;
          offlineReason?: { reason: string };
          raw: { io: { engine: { close(): void } } };
        };
      };
      const status = () => page.evaluate(() => (window as unknown as Sdk).sdk.status);
      await page.waitForFunction(() => (window as unknown as Sdk).sdk.status === 'open');
      await context.setOffline(true);
      await page.evaluate(() => (window as unknown as Sdk).sdk.raw.io.engine.close());
      await page.waitForFunction(() => (window as unknown as Sdk).sdk.status === 'offline', undefined, {
        timeout: 15_000,
      });
      await expect(page.evaluate(() => (window as unknown as Sdk).sdk.offlineReason?.reason)).resolves.toBe(
        'attempts_exhausted',
      );
      // Offline for good while the network is away: nothing is retried.
      await page.waitForTimeout(1000);
      await expect(status()).resolves.toBe('offline');
      await context.setOffline(false); // the browser fires `online`
      await page.waitForFunction(() => (window as unknown as Sdk).sdk.status === 'open', undefined, {
        timeout: 15_000,
      });
    } finally {
      await context?.close();
      await hub.close();
    }
  }, 60_000);
});
