import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PUBLISHABLE_TYPES } from '@orderwire/contracts';
import { Ajv } from 'ajv';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { describeBrowser, launchChromium, RESULTS_DIR } from './support/browser.js';
import { startHub, type TestHub } from './support/hub.js';
import { mintToken } from './support/tokens.js';

type Doc = {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

const now = new Date().toISOString();
/** One body of each publishable type that the hub accepts. */
const VALID: Record<(typeof PUBLISHABLE_TYPES)[number], Record<string, unknown>> = {
  'order.created': {
    order: {
      orderId: 'o-api-1',
      tenantId: 'r-1',
      customerId: 'c-1',
      items: [{ sku: 'burger', name: 'Burger', quantity: 1, unitPrice: 850 }],
      total: 850,
      currency: 'EUR',
      fulfillment: 'pickup',
      status: 'placed',
      createdAt: now,
      updatedAt: now,
    },
  },
  'order.status_updated': {
    orderId: 'o-api-1',
    status: 'accepted',
    previousStatus: 'placed',
    updatedBy: { id: 'pos', type: 'service' },
  },
  'order.courier_assigned': { orderId: 'o-api-1', courierId: 'd-1' },
  'payment.confirmed': { orderId: 'o-api-1', amount: 850, currency: 'EUR', method: 'card' },
  'payment.failed': { orderId: 'o-api-1', reason: 'declined' },
  'payment.refunded': { orderId: 'o-api-1', amount: 850, currency: 'EUR' },
  notification: { level: 'info', message: 'kitchen closes at 22:00' },
  'system.alert': { code: 'NO_CREW_ONLINE', severity: 'warning', message: 'no crew', details: {} },
  'menu.updated': {
    currency: 'EUR',
    items: [{ sku: 'burger', name: 'Burger', price: 850, available: true }],
  },
  'store.status': { status: 'busy', extraPrepMinutes: 10, reason: 'a full house' },
};

/** Bodies both the document and the hub must refuse. */
const INVALID: Array<[string, Record<string, unknown>]> = [
  ['an unknown type', { type: 'order.teleported', tenantId: 'r-1', data: {} }],
  ['no data', { type: 'notification', tenantId: 'r-1' }],
  [
    'a level out of its enum',
    { type: 'notification', tenantId: 'r-1', data: { level: 'loud', message: 'x' } },
  ],
  [
    'a field the DTO lacks',
    { type: 'payment.failed', tenantId: 'r-1', data: { orderId: 'o-1', coupon: 'FREE' } },
  ],
  [
    'a negative amount',
    { type: 'payment.refunded', tenantId: 'r-1', data: { orderId: 'o-1', amount: -5, currency: 'EUR' } },
  ],
  ['a bad tenant', { type: 'notification', tenantId: 'r 1', data: { level: 'info', message: 'x' } }],
  [
    'an unknown envelope field',
    { type: 'notification', tenantId: 'r-1', data: VALID.notification, extra: 1 },
  ],
];

describe('the OpenAPI document of the HTTP API', () => {
  let hub: TestHub;
  let doc: Doc;
  const token = mintToken({ sub: 'pos', role: 'service', tenants: ['r-1'] });
  beforeAll(async () => {
    hub = await startHub();
    doc = (await request(hub.app.getHttpServer()).get('/api/docs/json').expect(200)).body as Doc;
  });
  afterAll(() => hub?.close());

  it('describes POST /api/v1/events (body, answers, security), health and metrics; not the console', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.version).toBe('0.2.0');
    const publish = doc.paths['/api/v1/events'].post as {
      requestBody: { content: Record<string, { schema: unknown }> };
      responses: Record<string, unknown>;
      security: unknown[];
    };
    expect(publish.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/PublishRequest',
    });
    expect(Object.keys(publish.responses).sort()).toEqual([
      '202',
      '400',
      '401',
      '403',
      '409',
      '413',
      '429',
      '503',
    ]);
    expect(publish.security).toEqual([{ 'service-jwt': [] }]);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/events',
      '/health/live',
      '/health/ready',
      '/metrics',
    ]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['metrics-token', 'service-jwt']);
    // Every reference resolves.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      const name = ref.slice('"$ref":"#/components/schemas/'.length, -1);
      expect([name, name in doc.components.schemas]).toEqual([name, true]);
    }
  });

  it('agrees with the hub: what it allows is accepted (202), what it refuses is refused (400)', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true }); // oneOf decides; ajv reads no discriminator mapping;
    // The one format the schemas use (a store status' `until`); ajv knows none without ajv-formats.
    ajv.addFormat('date-time', (value: string) => Number.isFinite(Date.parse(value)));
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      ajv.addSchema(schema as object, `#/components/schemas/${name}`);
    }
    const validate = ajv.getSchema('#/components/schemas/PublishRequest')!;
    const http = request(hub.app.getHttpServer());
    for (const type of PUBLISHABLE_TYPES) {
      const body = { type, tenantId: 'r-1', data: VALID[type], requestId: `api-${type}` };
      expect([type, validate(body), validate.errors]).toEqual([type, true, null]);
      const res = await http.post('/api/v1/events').set('Authorization', `Bearer ${token}`).send(body);
      expect([type, res.status, res.body]).toEqual([type, 202, { id: expect.any(String) }]);
    }
    for (const [why, body] of INVALID) {
      expect([why, validate(body)]).toEqual([why, false]);
      const res = await http.post('/api/v1/events').set('Authorization', `Bearer ${token}`).send(body);
      expect([why, res.status, res.body.error?.code]).toEqual([why, 400, 'VALIDATION_FAILED']);
    }
  });

  it('is off with API_DOCS=false', async () => {
    const off = await startHub({ API_DOCS: 'false' });
    await request(off.app.getHttpServer()).get('/api/docs/json').expect(404);
    await request(off.app.getHttpServer()).get('/api/docs').expect(404);
    await off.close();
  });
});

describeBrowser('the OpenAPI UI in Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  beforeAll(async () => {
    hub = await startHub();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('renders the publish operation under the hub’s own Content-Security-Policy', async () => {
    const page = await browser.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') blocked.push(m.text());
    });
    await page.goto(`${hub.url}/api/docs`);
    await page.getByText('/api/v1/events').first().waitFor({ timeout: 10_000 });
    expect(await page.getByText('Publish an event to the hub’s clients').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${RESULTS_DIR}openapi.png` });
    expect(blocked).toEqual([]);
    await page.close();
  });
});
