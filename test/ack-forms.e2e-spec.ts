import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeliveryService } from '../src/delivery/delivery.service.js';
import { type ClientOptions, connect, sampleOrder, type TestClient } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';

/**
 * The same durable-delivery scenarios with protocol 1 acks (a Socket.IO callback per message),
 * protocol 1.1 cumulative acks (one `ack` event per turn, docs/protocol.md 16), and a mix of both
 * in one room: the guarantees of section 6 hold whichever form each client uses.
 */
type Form = 'each' | 'cumulative';
const FORMS: Array<[string, Form, Form]> = [
  ['protocol 1 acks', 'each', 'each'],
  ['protocol 1.1 cumulative acks', 'cumulative', 'cumulative'],
  ['both forms in one room', 'each', 'cumulative'],
];
const opts = (form: Form, more: ClientOptions = {}): ClientOptions =>
  form === 'cumulative' ? { ...more, acks: 'cumulative' } : more;
const orderIdOf = (e: { data: Record<string, unknown> }) => (e.data.order as { orderId: string }).orderId;

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !ok();) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(FORMS)('durable delivery with %s', (_label, first, second) => {
  let hub: TestHub;
  let tenant = 0;
  const pending = () => hub.app.get(DeliveryService).pendingCount();
  beforeAll(async () => {
    hub = await startHub({ DELIVERY_BACKOFF_MS: '40', DELIVERY_MAX_ATTEMPTS: '3' });
  });
  afterAll(() => hub.close());
  const next = () => `t${first[0]}${second[0]}${tenant++}`;

  it('the welcome says which form each session uses, and only protocol 1 messages carry an ack callback', async () => {
    const tenantId = next();
    const a = await connect(hub, 'crew', 'k-a', opts(first, { tenantId }));
    const b = await connect(hub, 'crew', 'k-b', opts(second, { tenantId }));
    expect([a.received[0].data.acks, b.received[0].data.acks]).toEqual([first, second]);
    const customer = await connect(hub, 'customer', 'c-1', { tenantId });
    await customer.ok('order.place', sampleOrder());
    await a.waitFor('order.created');
    await b.waitFor('order.created');
    // Everyone acknowledged (the customer's copy too): nothing is waiting, nothing was retried.
    await until('every acknowledgement', () => pending() === 0);
    for (const [client, form] of [
      [a, first],
      [b, second],
    ] as const) {
      expect(client.of('order.created')).toHaveLength(1);
      expect(client.ackForms[form === 'each' ? 'none' : 'callback']).toBe(0);
    }
    for (const c of [a, b, customer]) c.close();
  });

  it('a client that never acknowledges gets the message again with backoff, then a dead letter', async () => {
    const tenantId = next();
    const admin = await connect(hub, 'admin', 'a-1', { tenantId });
    const silent = await connect(hub, 'crew', 'k-silent', opts(second, { tenantId, autoAck: false }));
    const acking = await connect(hub, 'crew', 'k-ok', opts(first, { tenantId }));
    const customer = await connect(hub, 'customer', 'c-1', { tenantId });
    await customer.ok('order.place', sampleOrder());
    const alert = await admin.waitFor('system.alert', (e) => e.data.code === 'DELIVERY_FAILED', 5000);
    // The last copy and the alert leave at once, on two sockets: either may arrive first.
    await until('the third copy', () => silent.of('order.created').length >= 3);
    const copies = silent.of('order.created');
    expect(copies).toHaveLength(3);
    expect(new Set(copies.map((e) => e.id)).size).toBe(1);
    expect(acking.of('order.created')).toHaveLength(1);
    expect(alert.data.details).toMatchObject({ recipients: ['k-silent'], attempts: 3 });
    for (const c of [admin, silent, acking, customer]) c.close();
  });

  it('a user with two sessions has acknowledged once either session acknowledges', async () => {
    const tenantId = next();
    const quiet = await connect(hub, 'crew', 'k-two', opts(first, { tenantId, autoAck: false }));
    const loud = await connect(hub, 'crew', 'k-two', opts(second, { tenantId }));
    const customer = await connect(hub, 'customer', 'c-1', { tenantId });
    await customer.ok('order.place', sampleOrder());
    await quiet.waitFor('order.created');
    await loud.waitFor('order.created');
    await until('the acknowledgement', () => pending() === 0);
    expect(quiet.of('order.created')).toHaveLength(1);
    for (const c of [quiet, loud, customer]) c.close();
  });

  it('a message whose handler failed while later ones were acknowledged is sent again, the others not', async () => {
    const tenantId = next();
    const client = await connect(hub, 'crew', 'k-f', opts(second, { tenantId, autoAck: false }));
    const customer = await connect(hub, 'customer', 'c-f', { tenantId });
    let failed: string | undefined;
    // Protocol 1: the first order's callback is not called; 1.1: its cursor goes in `gaps`.
    client.failCursor = (cursor) => cursor === failed;
    // Before the test client's own listener, which asks `failCursor` under 1.1.
    client.socket.prependAny(
      (type: string, e: { cursor?: string; data: Record<string, unknown> }, ack?: () => void) => {
        if (type !== 'order.created') return;
        if (orderIdOf(e) === 'f-0' && failed === undefined) failed = e.cursor;
        else if (failed === e.cursor) failed = 'done'; // its second copy is handled
        if (typeof ack === 'function' && e.cursor !== failed) ack();
      },
    );
    client.autoAck = second === 'cumulative';
    await customer.ok('order.place', sampleOrder({ orderId: 'f-0' }));
    await customer.ok('order.place', sampleOrder({ orderId: 'f-1' }));
    await until('the copy of f-0', () => client.of('order.created').length === 3);
    await until('every acknowledgement', () => pending() === 0);
    expect(client.of('order.created').map(orderIdOf)).toEqual(['f-0', 'f-1', 'f-0']);
    for (const c of [client, customer]) c.close();
  });

  it('what a client missed comes by replay on reconnect, and is acknowledged in the same form', async () => {
    const tenantId = next();
    const customer = await connect(hub, 'customer', 'c-r', opts(first, { tenantId }));
    await customer.ok('order.place', sampleOrder({ orderId: 'r-0' }));
    const cursor = (await customer.waitFor('order.created')).cursor!;
    customer.close();
    const crew = await connect(hub, 'crew', 'k-r', { tenantId });
    for (const status of ['accepted', 'preparing', 'ready'])
      await crew.ok('order.update_status', { orderId: 'r-0', status });
    const back = await connect(hub, 'customer', 'c-r', opts(second, { tenantId, cursor }));
    expect(back.of('order.status_updated').map((e) => e.data.status)).toEqual([
      'accepted',
      'preparing',
      'ready',
    ]);
    await until('every acknowledgement', () => pending() === 0);
    for (const c of [crew, back]) c.close();
  });
});

describe('protocol 1.1: what an `ack` may be', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub({ DELIVERY_BACKOFF_MS: '40', DELIVERY_MAX_ATTEMPTS: '3' });
  });
  afterAll(() => hub.close());

  it('malformed, oversized and ungranted acks get VALIDATION_FAILED, a flood RATE_LIMITED once; the socket stays', async () => {
    const granted = await connect(hub, 'crew', 'k-1', { acks: 'cumulative', autoAck: false });
    const refusal = async (client: TestClient, data: unknown) => {
      const seen = client.of('system.error').length;
      client.socket.emit('ack', data);
      await until('the refusal', () => client.of('system.error').length > seen);
      return client.of('system.error').at(-1)!.data.code;
    };
    for (const bad of [
      'x',
      null,
      [],
      {},
      { cursor: 5 },
      { cursor: 'no-seq' },
      { cursor: 'e:1', extra: true },
      { cursor: 'e:1', gaps: 'e:0' },
      { cursor: 'e:1', gaps: Array.from({ length: 101 }, (_, i) => `e:${i}`) },
      { cursor: `e:${'9'.repeat(300)}` },
      JSON.parse('{"cursor":"e:1","__proto__":{"polluted":true}}') as unknown,
    ]) {
      expect([bad, await refusal(granted, bad)]).toEqual([bad, 'VALIDATION_FAILED']);
    }
    const each = await connect(hub, 'crew', 'k-2');
    expect(await refusal(each, { cursor: 'e:1' })).toBe('VALIDATION_FAILED');
    // A flood: the first 100 in a second are read, then one RATE_LIMITED, then silence.
    const flood = await connect(hub, 'crew', 'k-3', { acks: 'cumulative' });
    for (let i = 0; i < 300; i++) flood.socket.emit('ack', { cursor: `e:${i}` });
    await until('the flood refusal', () => flood.of('system.error').length > 0);
    await flood.ok('heartbeat', { clientTime: Date.now() });
    expect(flood.of('system.error').map((e) => e.data.code)).toEqual(['RATE_LIMITED']);
    for (const c of [granted, each, flood]) expect(c.socket.connected).toBe(true);
    for (const c of [granted, each, flood]) c.close();
  });

  it("an ack covers only what the hub wrote to that socket: another tenant's cursor acknowledges nothing", async () => {
    const victim = await connect(hub, 'crew', 'k-v', {
      tenantId: 'victim',
      acks: 'cumulative',
      autoAck: false,
    });
    const attacker = await connect(hub, 'crew', 'k-x', {
      tenantId: 'attacker',
      acks: 'cumulative',
      autoAck: false,
    });
    const customer = await connect(hub, 'customer', 'c-v', { tenantId: 'victim' });
    await customer.ok('order.place', sampleOrder());
    const created = await victim.waitFor('order.created');
    attacker.socket.emit('ack', { cursor: created.cursor });
    // The victim's copy is still owed: it is sent again.
    await victim.next('order.created', (e) => e.id === created.id, 2000);
    for (const c of [victim, attacker, customer]) c.close();
  });
});
