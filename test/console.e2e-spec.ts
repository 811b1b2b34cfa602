import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { describeBrowser, launchChromium, RESULTS_DIR } from './support/browser.js';
import request from 'supertest';
import { connect } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { mintToken } from './support/tokens.js';

const STEPS = ['accepted', 'preparing', 'ready', 'picked_up'];

const PANES = ['customer', 'crew', 'admin'];

async function openConsole(browser: Browser, hub: TestHub, tenant: string, query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto(`${hub.url}/console?tenant=${tenant}${query}`);
  for (const pane of PANES) {
    await page.waitForSelector(`[data-testid=${pane}-status][data-status=open]`, { timeout: 15000 });
  }
  return page;
}

async function placeOrder(page: Page): Promise<void> {
  await page.click('[data-testid=plus-burger]');
  await page.click('[data-testid=plus-fries]');
  await page.click('[data-testid=place-order]');
}

async function newTicketId(page: Page): Promise<string> {
  const ticket = await page.waitForSelector('[data-testid^=ticket-]', { timeout: 10000 });
  return (await ticket.getAttribute('data-testid'))!.slice('ticket-'.length);
}

describeBrowser('the /console page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('customer places, crew accepts and advances, the customer sees each status, the admin charts move', async () => {
    const hub = await startHub({ METRICS_INTERVAL_MS: '300', DEV_TOKENS: 'true' });
    try {
      const page = await openConsole(browser, hub, 't-flow');
      await placeOrder(page);
      const orderId = await newTicketId(page);
      await page.waitForSelector(`[data-testid=order-${orderId}][data-status=placed]`);
      for (const status of STEPS) {
        await page.click(`[data-testid=advance-${orderId}-${status}]`);
        await page.waitForSelector(`[data-testid=timeline-${orderId}] li[data-status=${status}]`);
      }
      const timeline = await page.$$eval(`[data-testid=timeline-${orderId}] li`, (lis) =>
        lis.map((li) => li.getAttribute('data-status')),
      );
      expect(timeline).toEqual(['placed', ...STEPS]);
      // Only legal transitions are offered: a picked-up order has left the board.
      expect(await page.$(`[data-testid=ticket-${orderId}]`)).toBeNull();
      await page.waitForFunction(
        () =>
          Number(
            document.querySelector('[data-testid=chart-connections]')?.getAttribute('data-points') ?? 0,
          ) >= 3,
        undefined,
        { timeout: 5000 },
      );
      const kpi = await page.textContent('[data-testid=kpi-connections] b');
      expect(Number(kpi)).toBeGreaterThanOrEqual(3);
      await page.screenshot({ path: `${RESULTS_DIR}console-flow.png` });
      expect((page as Page & { errors?: string[] }).errors).toEqual([]);
      await page.close();
    } finally {
      await hub.close();
    }
  }, 60000);

  it('uses the published menu: sold-out items, the hub’s prices, order numbers, ETA and payment on the card', async () => {
    const hub = await startHub({ DEV_TOKENS: 'true' });
    try {
      const page = await openConsole(browser, hub, 't-menu');
      const published = await request(hub.app.getHttpServer())
        .post('/api/v1/events')
        .set('Authorization', `Bearer ${mintToken({ sub: 'pos', role: 'service', tenants: ['t-menu'] })}`)
        .send({
          type: 'menu.updated',
          tenantId: 't-menu',
          data: {
            currency: 'EUR',
            items: [
              { sku: 'burger', name: 'Smash burger', price: 990, available: true },
              { sku: 'fries', name: 'Fries', price: 350, available: true },
            ],
          },
        });
      expect(published.status).toBe(202);
      await page.waitForSelector('[data-testid=menu] li:has-text("Smash burger")');
      // The crew marks fries sold out; the customer's menu shows it and will not add them.
      await page.click('[data-testid=stock-fries]');
      await page.waitForSelector('[data-testid=sold-out-fries]');
      expect(await page.isDisabled('[data-testid=plus-fries]')).toBe(true);
      await page.click('[data-testid=plus-burger]');
      await page.click('[data-testid=plus-burger]');
      expect(await page.textContent('[data-testid=cart-total]')).toContain('19.80');
      await page.click('[data-testid=place-order]');
      const orderId = await newTicketId(page);
      await page.waitForSelector(`[data-testid=number-${orderId}]:has-text("A-001")`);
      expect(await page.textContent(`[data-testid=ticket-${orderId}]`)).toContain('A-001');
      await page.click(`[data-testid=advance-${orderId}-accepted]`); // with a 15-minute ETA
      await page.waitForSelector(`[data-testid=eta-${orderId}]`);
      await request(hub.app.getHttpServer())
        .post('/api/v1/events')
        .set('Authorization', `Bearer ${mintToken({ sub: 'pos', role: 'service', tenants: ['t-menu'] })}`)
        .send({
          type: 'payment.confirmed',
          tenantId: 't-menu',
          data: { orderId, amount: 1980, currency: 'EUR', method: 'card' },
        })
        .expect(202);
      await page.waitForSelector(`[data-testid=paid-${orderId}]`);
      await page.screenshot({ path: `${RESULTS_DIR}console-menu.png` });
      expect((page as Page & { errors?: string[] }).errors).toEqual([]);
      await page.close();
    } finally {
      await hub.close();
    }
  }, 60000);

  it('works over long-polling when the hub refuses WebSocket', async () => {
    const hub = await startHub({ WS_TRANSPORTS: 'polling', METRICS_INTERVAL_MS: '500', DEV_TOKENS: 'true' });
    try {
      const page = await openConsole(browser, hub, 't-poll');
      const transport = await page.evaluate(
        () =>
          (
            window as unknown as {
              __console: {
                managers: { customer: { raw: { io: { engine: { transport: { name: string } } } } } };
              };
            }
          ).__console.managers.customer.raw.io.engine.transport.name,
      );
      expect(transport).toBe('polling');
      await placeOrder(page);
      const orderId = await newTicketId(page);
      await page.click(`[data-testid=advance-${orderId}-accepted]`);
      await page.waitForSelector(`[data-testid=timeline-${orderId}] li[data-status=accepted]`);
      await page.screenshot({ path: `${RESULTS_DIR}console-polling.png` });
      await page.close();
    } finally {
      await hub.close();
    }
  }, 60000);

  it('goes offline and back: a command issued meanwhile is delivered exactly once', async () => {
    const hub = await startHub({ METRICS_INTERVAL_MS: '500', DEV_TOKENS: 'true' });
    try {
      const watcher = await connect(hub, 'crew', 'watcher', { tenantId: 't-offline' });
      const page = await openConsole(browser, hub, 't-offline');
      await page.context().setOffline(true);
      await page.evaluate(() => {
        const c = (
          window as unknown as {
            __console: { managers: { customer: { raw: { io: { engine: { close(): void } } } } } };
          }
        ).__console;
        c.managers.customer.raw.io.engine.close();
      });
      await page.waitForSelector('[data-testid=customer-status]:not([data-status=open])');
      await placeOrder(page);
      await page.waitForSelector('[data-testid=customer-hint]:has-text("queued")');
      const queued = await page.evaluate(
        () =>
          (window as unknown as { __console: { managers: { customer: { queued: number } } } }).__console
            .managers.customer.queued,
      );
      expect(queued).toBe(1);
      expect(watcher.of('order.created')).toHaveLength(0);

      const back = Date.now();
      await page.context().setOffline(false);
      await page.waitForSelector('[data-testid=customer-status][data-status=open]', { timeout: 15000 });
      const reconnectMs = Date.now() - back;
      const orderId = await newTicketId(page);
      await page.waitForSelector(`[data-testid=order-${orderId}]`);
      await watcher.waitFor('order.created');
      await watcher.ok('heartbeat', { clientTime: 1 });
      expect(watcher.of('order.created')).toHaveLength(1);
      expect(await page.$$('[data-testid^=ticket-]')).toHaveLength(1);
      writeFileSync(
        `${RESULTS_DIR}reconnect.json`,
        JSON.stringify({ reconnectToRecoveredMs: reconnectMs }, null, 2),
      );
      await page.screenshot({ path: `${RESULTS_DIR}console-offline.png` });
      watcher.close();
      await page.close();
    } finally {
      await hub.close();
    }
  }, 60000);

  it('offline once its attempts are spent, it comes back by itself when the browser is online again', async () => {
    const hub = await startHub({ METRICS_INTERVAL_MS: '500', DEV_TOKENS: 'true' });
    try {
      const page = await openConsole(browser, hub, 't-resume', '&attempts=1');
      await page.context().setOffline(true);
      await page.evaluate(() => {
        const { managers } = (
          window as unknown as {
            __console: { managers: Record<string, { raw: { io: { engine: { close(): void } } } }> };
          }
        ).__console;
        for (const m of Object.values(managers)) m.raw.io.engine.close();
      });
      for (const pane of PANES) {
        await page.waitForSelector(`[data-testid=${pane}-status][data-status=offline]`, { timeout: 15000 });
      }
      const reasons = await page.evaluate(() =>
        Object.values(
          (
            window as unknown as {
              __console: { managers: Record<string, { offlineReason?: { reason: string } }> };
            }
          ).__console.managers,
        ).map((m) => m.offlineReason?.reason),
      );
      expect(reasons).toEqual(['attempts_exhausted', 'attempts_exhausted', 'attempts_exhausted']);
      expect(await page.textContent('[data-testid=customer-status]')).toBe('offline · attempts exhausted');
      await page.screenshot({ path: `${RESULTS_DIR}console-gave-up.png` });
      // Offline for good until the network returns: nothing more happens while it is away.
      await page.waitForTimeout(1500);
      for (const pane of PANES) {
        expect(await page.getAttribute(`[data-testid=${pane}-status]`, 'data-status')).toBe('offline');
      }

      await page.context().setOffline(false); // the browser fires `online`
      for (const pane of PANES) {
        await page.waitForSelector(`[data-testid=${pane}-status][data-status=open]`, { timeout: 15000 });
      }
      await placeOrder(page);
      const orderId = await newTicketId(page);
      await page.waitForSelector(`[data-testid=order-${orderId}][data-status=placed]`);
      expect((page as Page & { errors?: string[] }).errors).toEqual([]);
      await page.close();
    } finally {
      await hub.close();
    }
  }, 60000);
});
