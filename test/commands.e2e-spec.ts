import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { COMMAND_TYPES, COMMANDS, NAMESPACES, ROLES, type Order } from '@orderwire/contracts';
import { CommandLane } from '../src/commands/command-lane.js';
import { connect, sampleOrder, type TestClient } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { tokenFor } from './support/tokens.js';

describe('commands: success paths and error codes', () => {
  let hub: TestHub;
  let customer: TestClient;
  let other: TestClient;
  let crew: TestClient;
  let courier: TestClient;
  let admin: TestClient;

  beforeAll(async () => {
    hub = await startHub({ ORDER_ACCEPT_SLA_SECONDS: '1' });
    // Crew without a crewRole keep every crew step (test/stations.e2e-spec.ts holds the roles).
    crew = await connect(hub, 'crew', 'k-1');
    courier = await connect(hub, 'crew', 'd-1', { extraClaims: { crewRole: 'courier' } });
    admin = await connect(hub, 'admin', 'a-1');
    customer = await connect(hub, 'customer', 'c-1');
    other = await connect(hub, 'customer', 'c-2');
  });
  afterAll(async () => {
    for (const c of [customer, other, crew, courier, admin]) c.close();
    await hub.close();
  });

  it("every command of every role runs on the command lane (commands/command-lane.ts), none on Nest's per-call path", () => {
    const expected = Object.fromEntries(
      ROLES.map((role) => [
        NAMESPACES[role],
        COMMAND_TYPES.filter((c) => (COMMANDS[c].roles as readonly string[]).includes(role)).sort(),
      ]),
    );
    expect(hub.app.get(CommandLane).covered()).toEqual(expected);
  });

  it('order.place creates the order, replies, and crew, admins and the owner receive order.created', async () => {
    const reply = await customer.ok('order.place', sampleOrder({ orderId: 'o-1', notes: 'no onions' }));
    expect(reply).toEqual({
      orderId: 'o-1',
      orderNumber: 'A-001',
      status: 'placed',
      total: 1700,
      currency: 'EUR',
      handoffCode: expect.stringMatching(/^\d{4}$/),
    });
    for (const c of [crew, admin, customer]) {
      const env = await c.waitFor(
        'order.created',
        (e) => (e.data.order as { orderId: string }).orderId === 'o-1',
      );
      expect(env).toMatchObject({
        tenantId: 'r-1',
        requiresAck: true,
        sender: { id: 'c-1', type: 'customer' },
      });
      expect(env.cursor).toEqual(expect.any(String));
      expect(env.data.order).toMatchObject({
        total: 1700,
        currency: 'EUR',
        status: 'placed',
        customerId: 'c-1',
      });
    }
    expect(other.of('order.created')).toHaveLength(0);
  });

  it('a retry of order.place for an order stored but never published (its node died in between) publishes it, under one id', async () => {
    const { ORDER_STORE } = await import('../src/engine/engine.tokens.js');
    const store = hub.app.get<import('../src/engine/order-store.js').OrderStore>(ORDER_STORE);
    const { MenuService } = await import('../src/orders/menu.service.js');
    const menus = hub.app.get(MenuService);
    const at = new Date();
    const now = at.toISOString();
    // What a node that died between storing the order and publishing it leaves behind, on the
    // restaurant's business day as the hub computes it (a fixed date failed on any other day).
    const stored = await store.create(
      {
        orderId: 'half-placed',
        tenantId: 'r-1',
        customerId: 'c-1',
        items: [{ sku: 'burger', name: 'Burger', quantity: 2, unitPrice: 850 }],
        total: 1700,
        currency: 'EUR',
        fulfillment: 'delivery',
        deliveryAddress: { line1: '1 Main St', city: 'Lisbon' },
        status: 'placed',
        createdAt: now,
        updatedAt: now,
        statusTimes: { placed: now },
      },
      menus.businessDay(await menus.settings('r-1'), at),
    );
    expect((stored as Order | undefined)?.orderNumber).toMatch(/^A-\d{3}$/);
    expect(await customer.ok('order.place', sampleOrder({ orderId: 'half-placed' }))).toEqual({
      orderId: 'half-placed',
      orderNumber: (stored as Order | undefined)?.orderNumber,
      status: 'placed',
      total: 1700,
      currency: 'EUR',
      handoffCode: expect.stringMatching(/^\d{4}$/),
    });
    const isIt = (e: { data: Record<string, unknown> }) =>
      (e.data.order as { orderId?: string } | undefined)?.orderId === 'half-placed';
    const created = await customer.waitFor('order.created', isIt);
    await crew.waitFor('order.created', isIt);
    // A second retry delivers the same message again (at least once), which clients drop by id.
    await customer.ok('order.place', sampleOrder({ orderId: 'half-placed' }));
    const copies = () => customer.of('order.created').filter(isIt);
    const deadline = Date.now() + 2000;
    while (copies().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(new Set(copies().map((e) => e.id))).toEqual(new Set([created.id]));
  });

  it("order.place: VALIDATION_FAILED lists each failing field, and on another customer's orderId without confirming it exists", async () => {
    const bad = await customer.cmd('order.place', {
      items: [{ sku: 'x', name: 'X', quantity: 100, unitPrice: -1 }],
      currency: 'EURO',
      fulfillment: 'delivery',
    });
    expect(bad.error?.code).toBe('VALIDATION_FAILED');
    const fields = (bad.error?.details?.fields as Array<{ field: string }>).map((f) => f.field).sort();
    expect(fields).toEqual(['currency', 'deliveryAddress', 'items.0.quantity', 'items.0.unitPrice']);
    const taken = (await other.cmd('order.place', sampleOrder({ orderId: 'o-1' }))).error;
    expect(taken).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'choose another orderId, or leave it out',
      details: { fields: [{ field: 'orderId', messages: [expect.any(String)] }] },
    });
    expect(JSON.stringify(taken)).not.toMatch(/exist|another customer|already/i);
  });

  it('order.place: an item that is an array (empty, or wrapping a valid item) is VALIDATION_FAILED, never an order', async () => {
    const item = { sku: 'x', name: 'X', quantity: 1, unitPrice: 100 };
    for (const items of [[[]], [[item]], [item, [item]]]) {
      const reply = await customer.cmd('order.place', { items, currency: 'EUR', fulfillment: 'pickup' });
      expect(reply.error?.code).toBe('VALIDATION_FAILED');
      expect(reply.error?.details?.fields).toEqual([
        { field: 'items', messages: ['each item must be an object'] },
      ]);
    }
  });

  it('order.update_status follows the status machine and reaches the customer', async () => {
    for (const status of ['accepted', 'preparing', 'ready', 'out_for_delivery']) {
      expect(await crew.ok('order.update_status', { orderId: 'o-1', status, etaMinutes: 10 })).toEqual({
        orderId: 'o-1',
        status,
      });
      const env = await customer.waitFor('order.status_updated', (e) => e.data.status === status);
      expect(env.data).toMatchObject({ orderId: 'o-1', updatedBy: { id: 'k-1', type: 'crew' } });
    }
    const illegal = await crew.cmd('order.update_status', { orderId: 'o-1', status: 'preparing' });
    expect(illegal.error).toMatchObject({
      code: 'CONFLICT',
      details: { from: 'out_for_delivery', allowed: ['delivered'] },
    });
    expect((await crew.cmd('order.update_status', { orderId: 'nope', status: 'accepted' })).error?.code).toBe(
      'NOT_FOUND',
    );
    expect((await crew.cmd('order.update_status', { orderId: 'o-1', status: 'flying' })).error?.code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it("courier.location goes to the order's customer and admins only, from its courier only", async () => {
    // k-1 (crew without a crewRole) took it out: nobody holds it, so nobody may relay for it yet;
    // once d-1 holds it, another courier's position is refused (courier.location has 2/s each).
    const second = await connect(hub, 'crew', 'd-2', { extraClaims: { crewRole: 'courier' } });
    const spoof = () => second.cmd('courier.location', { orderId: 'o-1', lat: 1, lng: 1 });
    expect((await spoof()).error?.code).toBe('FORBIDDEN');
    await admin.ok('order.assign_courier', { orderId: 'o-1', courierId: 'd-1' });
    expect((await spoof()).error).toMatchObject({ code: 'FORBIDDEN', details: { courierId: 'd-1' } });
    second.close();
    expect(
      await courier.ok('courier.location', { orderId: 'o-1', lat: 38.7, lng: -9.1, heading: 90 }),
    ).toEqual({ relayed: true });
    const loc = await customer.waitFor('courier.location');
    expect(loc.data).toMatchObject({ orderId: 'o-1', lat: 38.7, lng: -9.1, heading: 90 });
    expect(loc.requiresAck).toBeUndefined();
    expect((await admin.waitFor('courier.location')).data).toMatchObject({ orderId: 'o-1', lat: 38.7 });
    expect((await crew.cmd('courier.location', { orderId: 'o-1', lat: 1, lng: 1 })).error?.code).toBe(
      'FORBIDDEN',
    );
    expect((await courier.cmd('courier.location', { orderId: 'o-1', lat: 100, lng: 1 })).error?.code).toBe(
      'VALIDATION_FAILED',
    );
    expect(other.of('courier.location')).toHaveLength(0);
  });

  it('order.cancel: customers only their own and only early; crew any non-final', async () => {
    await customer.ok('order.place', sampleOrder({ orderId: 'o-2' }));
    expect((await other.cmd('order.cancel', { orderId: 'o-2' })).error?.code).toBe('NOT_FOUND');
    await crew.ok('order.update_status', { orderId: 'o-2', status: 'accepted' });
    await crew.ok('order.update_status', { orderId: 'o-2', status: 'preparing' });
    expect((await customer.cmd('order.cancel', { orderId: 'o-2' })).error?.code).toBe('FORBIDDEN');
    expect(await crew.ok('order.cancel', { orderId: 'o-2', reason: 'out of buns' })).toEqual({
      orderId: 'o-2',
      status: 'cancelled',
    });
    expect((await crew.cmd('order.cancel', { orderId: 'o-2' })).error?.code).toBe('CONFLICT');
    await customer.ok('order.place', sampleOrder({ orderId: 'o-3' }));
    expect(await customer.ok('order.cancel', { orderId: 'o-3' })).toEqual({
      orderId: 'o-3',
      status: 'cancelled',
    });
    const upd = await customer.waitFor('order.status_updated', (e) => e.data.orderId === 'o-3');
    expect(upd.data).toMatchObject({ status: 'cancelled', previousStatus: 'placed' });
  });

  it('status changes of one order pipelined on one socket are carried out in order', async () => {
    await customer.ok(
      'order.place',
      sampleOrder({ orderId: 'o-pipe', fulfillment: 'pickup', deliveryAddress: undefined }),
    );
    const steps = ['accepted', 'preparing', 'ready', 'picked_up'];
    const replies = await Promise.all(
      steps.map((status) => crew.cmd('order.update_status', { orderId: 'o-pipe', status })),
    );
    expect(replies.map((r) => r.data?.status)).toEqual(steps);
  });

  it('a tenant user naming another tenant gets FORBIDDEN', async () => {
    const reply = await crew.cmd('order.update_status', {
      orderId: 'o-1',
      status: 'delivered',
      tenantId: 'r-2',
    });
    expect(reply.error?.code).toBe('FORBIDDEN');
  });

  it('admin.announce sends notification to the named roles of the tenant', async () => {
    const reply = await admin.ok('admin.announce', {
      audience: ['crew'],
      level: 'warning',
      message: 'fryer down',
    });
    expect(reply.id).toEqual(expect.any(String));
    const n = await crew.waitFor('notification', (e) => e.id === reply.id);
    expect(n.data).toEqual({ level: 'warning', message: 'fryer down' });
    expect(n.requiresAck).toBe(true);
    expect(customer.received.find((e) => e.id === reply.id)).toBeUndefined();
    expect(
      (await admin.cmd('admin.announce', { audience: ['chef'], level: 'info', message: 'x' })).error?.code,
    ).toBe('VALIDATION_FAILED');
    expect(
      (await crew.cmd('admin.announce', { audience: ['crew'], level: 'info', message: 'x' })).error?.code,
    ).toBe('FORBIDDEN');
  });

  it('metrics.snapshot replies the tenant figures', async () => {
    const m = await admin.ok('metrics.snapshot', {});
    expect(m).toMatchObject({ scope: 'r-1', connections: { customer: 2, crew: 2, admin: 1, total: 5 } });
    expect(m.queueDepth).toEqual(expect.any(Number));
    expect(m.deadLetters).toBe(0);
  });

  it('heartbeat replies serverTime; sync replays after a cursor', async () => {
    const hb = await customer.ok('heartbeat', { clientTime: Date.now() });
    expect(Math.abs((hb.serverTime as number) - Date.now())).toBeLessThan(5000);
    const first = customer.of('order.created')[0];
    const before = customer.received.length;
    const reply = await customer.ok('sync', { cursor: first.cursor });
    expect(reply.recovered).toBe(true);
    expect(reply.replayed).toBeGreaterThan(0);
    expect(customer.received.length - before).toBe(reply.replayed);
    expect(customer.received.slice(before).every((e) => e.requiresAck)).toBe(true);
  });

  it('ORDER_NOT_ACCEPTED reaches admins when an order stays placed past the SLA', async () => {
    await customer.ok('order.place', sampleOrder({ orderId: 'o-sla' }));
    const alert = await admin.waitFor(
      'system.alert',
      (e) =>
        e.data.code === 'ORDER_NOT_ACCEPTED' && (e.data.details as { orderId?: string })?.orderId === 'o-sla',
      4000,
    );
    expect(alert.data).toMatchObject({ severity: 'warning', details: { orderId: 'o-sla' } });
  });

  it("admin.disconnect ends the user's sessions at once; revokeTokens refuses the old token", async () => {
    const token = tokenFor('customer', 'c-9');
    const victim = await connect(hub, 'customer', 'c-9', { token });
    const gone = victim.waitDisconnect();
    expect(
      await admin.ok('admin.disconnect', { userId: 'c-9', reason: 'abuse', revokeTokens: true }),
    ).toEqual({ disconnected: 1 });
    expect(await gone).toBe('io server disconnect');
    expect(victim.of('system.error')[0]?.data.code).toBe('UNAUTHORIZED');
    await expect(connect(hub, 'customer', 'c-9', { token })).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    expect((await admin.cmd('admin.disconnect', { reason: 'x' })).error?.code).toBe('VALIDATION_FAILED');
  });

  it('unknown events get UNKNOWN_EVENT; payloads over 16 KiB get PAYLOAD_TOO_LARGE; the socket stays', async () => {
    expect((await customer.cmd('order.teleport', {})).error?.code).toBe('UNKNOWN_EVENT');
    const big = sampleOrder({ notes: 'x'.repeat(17 * 1024) });
    expect((await customer.cmd('order.place', big)).error?.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await customer.cmd('order.place', 'not an object')).error?.code).toBe('VALIDATION_FAILED');
    expect(customer.socket.connected).toBe(true);
    expect((await customer.ok('heartbeat', { clientTime: 1 })).serverTime).toEqual(expect.any(Number));
  });

  it('deep nesting, prototype keys and binary attachments get VALIDATION_FAILED before any transform; the socket stays', async () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 1000; i++) deep = [deep]; // socket.io-client itself cannot encode much deeper
    const cases: Array<[unknown, RegExp]> = [
      [sampleOrder({ notes: deep }), /deeper than 32/],
      [JSON.parse('{"items":[],"__proto__":{"admin":true}}'), /"__proto__" is refused/],
      // Two attachments of 15 KiB: each frame is under MESSAGE_MAX_BYTES, the command is not.
      [
        sampleOrder({ notes: [Buffer.alloc(15 * 1024), Buffer.alloc(15 * 1024)] }),
        /binary values are refused/,
      ],
    ];
    for (const [payload, message] of cases) {
      const reply = await customer.cmd('order.place', payload);
      expect(reply.error?.code).toBe('VALIDATION_FAILED');
      expect(
        (reply.error?.details as { fields: Array<{ messages: string[] }> }).fields[0].messages[0],
      ).toMatch(message);
    }
    expect(customer.socket.connected).toBe(true);
    expect((await customer.ok('heartbeat', { clientTime: 1 })).serverTime).toEqual(expect.any(Number));
  });

  it('a duplicate requestId has one effect and returns the first result', async () => {
    const before = crew.of('order.created').length;
    const a = await customer.cmd('order.place', sampleOrder({ requestId: 'req-1' }));
    const b = await customer.cmd('order.place', sampleOrder({ requestId: 'req-1' }));
    expect(a.ok).toBe(true);
    expect(b).toEqual(a);
    await crew.waitFor(
      'order.created',
      (e) => (e.data.order as { orderId: string }).orderId === a.data?.orderId,
    );
    await crew.ok('heartbeat', { clientTime: 1 });
    expect(crew.of('order.created').length - before).toBe(1);
    // Concurrent repeats also run once.
    const [x, y] = await Promise.all([
      customer.cmd('order.place', sampleOrder({ requestId: 'req-2' })),
      customer.cmd('order.place', sampleOrder({ requestId: 'req-2' })),
    ]);
    expect(x).toEqual(y);
  });
});

describe('rate limiting', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub({ RATE_COMMANDS_PER_SECOND: '5', RATE_COMMAND_BURST: '5' });
  });
  afterAll(() => hub.close());

  it('answers RATE_LIMITED with retryAfterMs, and disconnects repeat offenders', async () => {
    const c = await connect(hub, 'customer', 'flood');
    const replies = await Promise.all(Array.from({ length: 7 }, () => c.cmd('heartbeat', { clientTime: 1 })));
    expect(replies.filter((r) => r.ok)).toHaveLength(5);
    const limited = replies.filter((r) => !r.ok);
    expect(limited.map((r) => r.error?.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    expect(limited[0].error?.details?.retryAfterMs).toBeGreaterThan(0);
    expect(c.socket.connected).toBe(true);
    const gone = c.waitDisconnect();
    await c.cmd('heartbeat', { clientTime: 1 });
    expect(await gone).toBe('io server disconnect');
    expect(c.of('system.error').map((e) => e.data.code)).toContain('RATE_LIMITED');
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/orderwire_rate_limited_total\{scope="command"\} 3/);
  });

  it("shares one budget among a user's sessions: ten sessions are not ten budgets", async () => {
    const shared = await startHub({ RATE_USER_COMMANDS_PER_SECOND: '6', RATE_USER_COMMAND_BURST: '6' });
    const sessions = await Promise.all([1, 2, 3].map(() => connect(shared, 'customer', 'many-tabs')));
    const other = await connect(shared, 'customer', 'someone-else');
    // Three commands each: every socket is within its own 20, the user is over 6.
    const replies = await Promise.all(
      sessions.flatMap((c) => [1, 2, 3].map(() => c.cmd('heartbeat', { clientTime: 1 }))),
    );
    expect(replies.filter((r) => r.ok)).toHaveLength(6);
    expect(new Set(replies.filter((r) => !r.ok).map((r) => r.error?.code))).toEqual(
      new Set(['RATE_LIMITED']),
    );
    // Someone else's budget is untouched.
    expect((await other.cmd('heartbeat', { clientTime: 1 })).ok).toBe(true);
    const metrics = await (await fetch(`${shared.url}/metrics`)).text();
    expect(metrics).toMatch(/orderwire_rate_limited_total\{scope="user"\} 3/);
    for (const c of [...sessions, other]) c.close();
    await shared.close();
  });

  it('caps sessions per user with TOO_MANY_CONNECTIONS', async () => {
    const capped = await startHub({ SESSIONS_PER_USER: '2' });
    const a = await connect(capped, 'crew', 'k-7');
    const b = await connect(capped, 'crew', 'k-7');
    await expect(connect(capped, 'crew', 'k-7')).rejects.toMatchObject({
      data: { code: 'TOO_MANY_CONNECTIONS' },
    });
    a.close();
    b.close();
    await capped.close();
  });
});

describe('each command refuses what it must, with its documented code', () => {
  let hub: TestHub;
  let customer: TestClient;
  let crew: TestClient;
  let admin: TestClient;
  beforeAll(async () => {
    hub = await startHub();
    customer = await connect(hub, 'customer', 'c-1');
    crew = await connect(hub, 'crew', 'k-1');
    admin = await connect(hub, 'admin', 'a-1');
  });
  afterAll(async () => {
    for (const c of [customer, crew, admin]) c.close();
    await hub.close();
  });

  const table: Array<[string, 'customer' | 'crew' | 'admin', unknown, string]> = [
    ['order.place', 'crew', sampleOrder(), 'FORBIDDEN'],
    ['order.place', 'customer', sampleOrder({ fulfillment: 'drone' }), 'VALIDATION_FAILED'],
    ['order.cancel', 'customer', { orderId: 'missing' }, 'NOT_FOUND'],
    ['order.cancel', 'crew', { orderId: 'bad id with spaces' }, 'VALIDATION_FAILED'],
    ['order.update_status', 'customer', { orderId: 'o', status: 'accepted' }, 'FORBIDDEN'],
    ['order.update_status', 'admin', { orderId: 'missing', status: 'accepted' }, 'NOT_FOUND'],
    ['courier.location', 'customer', { orderId: 'o', lat: 1, lng: 1 }, 'FORBIDDEN'],
    ['admin.announce', 'admin', { audience: [], level: 'info', message: 'x' }, 'VALIDATION_FAILED'],
    [
      'admin.announce',
      'admin',
      { audience: ['crew'], level: 'info', message: 'x'.repeat(1001) },
      'VALIDATION_FAILED',
    ],
    ['admin.disconnect', 'crew', { userId: 'x', reason: 'x' }, 'FORBIDDEN'],
    ['metrics.snapshot', 'customer', {}, 'FORBIDDEN'],
    ['metrics.snapshot', 'admin', { extra: 1 }, 'VALIDATION_FAILED'],
    ['admin.dead_letters', 'admin', { limit: 101 }, 'VALIDATION_FAILED'],
    ['admin.dead_letters', 'crew', {}, 'FORBIDDEN'],
    ['admin.replay', 'admin', { messageId: 'missing' }, 'NOT_FOUND'],
    ['admin.replay', 'admin', {}, 'VALIDATION_FAILED'],
    ['heartbeat', 'crew', { clientTime: 'now' }, 'VALIDATION_FAILED'],
    ['auth.refresh', 'admin', { token: 'x.y.z' }, 'UNAUTHORIZED'],
    ['sync', 'customer', { cursor: 42 }, 'VALIDATION_FAILED'],
    ['sync', 'customer', { cursor: 'x', requestId: 'r'.repeat(65) }, 'VALIDATION_FAILED'],
  ];
  it.each(table.map(([e, r, d, c]) => [e, r, c, d] as const))(
    '%s from %s answers %s',
    async (event, role, code, data) => {
      const client = { customer, crew, admin }[role];
      const reply = await client.cmd(event, data);
      expect(reply.ok).toBe(false);
      expect(reply.error?.code).toBe(code);
      expect(reply.error?.message).toEqual(expect.any(String));
    },
  );

  it('a command without an ack callback gets system.error VALIDATION_FAILED', async () => {
    const err = customer.next('system.error');
    customer.socket.emit('heartbeat', { clientTime: 1 });
    expect((await err).data.code).toBe('VALIDATION_FAILED');
  });
});

describe('active-order caps', () => {
  it('past MAX_ACTIVE_ORDERS_PER_CUSTOMER a new order is LIMIT_REACHED; a finished one makes room; a retry of a placed one still answers', async () => {
    const hub = await startHub({ MAX_ACTIVE_ORDERS_PER_CUSTOMER: '2', MAX_ACTIVE_ORDERS_PER_TENANT: '3' });
    try {
      const hog = await connect(hub, 'customer', 'c-hog');
      const crew = await connect(hub, 'crew', 'k-1');
      const first = await hog.ok('order.place', sampleOrder({ orderId: 'hog-1' }));
      await hog.ok('order.place', sampleOrder());
      const refused = await hog.cmd('order.place', sampleOrder());
      expect(refused.error).toMatchObject({
        code: 'LIMIT_REACHED',
        details: { scope: 'customer', limit: 2 },
      });
      // A retry of an order that exists is answered, not refused.
      expect(await hog.ok('order.place', sampleOrder({ orderId: 'hog-1' }))).toEqual(first);
      await crew.ok('order.update_status', { orderId: 'hog-1', status: 'rejected' });
      await hog.ok('order.place', sampleOrder());
      // The tenant's cap: 3 active orders in all.
      const other = await connect(hub, 'customer', 'c-other');
      await other.ok('order.place', sampleOrder());
      const full = await other.cmd('order.place', sampleOrder());
      expect(full.error).toMatchObject({ code: 'LIMIT_REACHED', details: { scope: 'tenant', limit: 3 } });
      expect(hog.socket.connected && other.socket.connected).toBe(true);
      for (const c of [hog, crew, other]) c.close();
    } finally {
      await hub.close();
    }
  });
});
