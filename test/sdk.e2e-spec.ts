import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type ConnectionStatus,
  GlobalWebSocketManager,
  MemoryStorage,
  type OfflineInfo,
  OrderwireError,
  followCouriers,
  followEtas,
  followStoreStatus,
  type LiveEta,
  type LivePosition,
  takesOrdersNow,
} from '@orderwire/client';
import type { StoreStatusData } from '@orderwire/contracts';
import { DeliveryService } from '../src/delivery/delivery.service.js';
import { until } from './support/webhook-receiver.js';
import { connect, sampleOrder, type TestClient } from './support/client.js';
import { freePort } from './support/free-port.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeRedis, startRedis, type TestRedis } from './support/redis.js';
import { mintToken, tokenFor } from './support/tokens.js';

const managers: GlobalWebSocketManager[] = [];
function sdk(
  hub: { url: string },
  role: 'customer' | 'crew' | 'admin',
  sub: string,
  extra: Partial<ConstructorParameters<typeof GlobalWebSocketManager>[0]> = {},
) {
  const m = new GlobalWebSocketManager({
    url: hub.url,
    userType: role,
    token: tokenFor(role, sub),
    storage: new MemoryStorage(),
    backoff: { minMs: 100, maxMs: 400 },
    ...extra,
  });
  managers.push(m);
  return m;
}
const opened = (m: GlobalWebSocketManager) =>
  new Promise<void>((resolve) => {
    if (m.status === 'open') return resolve();
    const off = m.onStatus((s) => s === 'open' && (off(), resolve()));
  });
/** Resolves with the reason of the next `offline`. */
const offlineWhy = (m: GlobalWebSocketManager) =>
  new Promise<OfflineInfo | undefined>((resolve) => {
    const off = m.onStatus((s, why) => s === 'offline' && (off(), resolve(why)));
  });
const statusOf = (m: GlobalWebSocketManager, wanted: ConnectionStatus, timeoutMs = 5000) =>
  new Promise<void>((resolve, reject) => {
    if (m.status === wanted) return resolve();
    const t = setTimeout(
      () => reject(new Error(`status never became ${wanted} (is ${m.status})`)),
      timeoutMs,
    );
    const off = m.onStatus((s) => s === wanted && (clearTimeout(t), off(), resolve()));
  });

afterAll(() => {
  for (const m of managers) m.disconnect();
});

describe('GlobalWebSocketManager against a real hub', () => {
  let hub: TestHub;
  let crew: TestClient;
  beforeAll(async () => {
    hub = await startHub({
      DELIVERY_BACKOFF_MS: '40',
      RATE_COMMANDS_PER_SECOND: '1000',
      RATE_COMMAND_BURST: '1000',
    });
    crew = await connect(hub, 'crew', 'k-1');
  });
  afterAll(async () => {
    crew.close();
    await hub.close();
  });

  it('follows the store: followStoreStatus gives each status once, newest version last; takesOrdersNow says what it means', async () => {
    const customer = sdk(hub, 'customer', 'c-store');
    const admin = sdk(hub, 'admin', 'a-store');
    const seen: StoreStatusData[] = [];
    const stop = followStoreStatus(customer, (s) => seen.push(s));
    customer.connect();
    admin.connect();
    await Promise.all([opened(customer), opened(admin)]);
    await until(() => seen.length === 1);
    expect(takesOrdersNow(seen[0]!)).toBe(true);
    const reply = await admin.send('store.set_status', { status: 'paused', reason: 'deep clean' });
    expect(reply).toMatchObject({ status: 'paused', reason: 'deep clean' });
    await until(() => seen.length === 2);
    expect(seen[1]).toMatchObject({ status: 'paused', version: reply.version });
    expect(takesOrdersNow(seen[1]!)).toBe(false);
    // Orders for now are refused with the code the SDK raises; orders for later are not.
    await expect(customer.send('order.place', sampleOrder())).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await admin.send('store.set_status', { status: 'open' });
    await until(() => seen.length === 3);
    stop();
    expect(seen.map((s) => s.status)).toEqual(['open', 'paused', 'open']);
  });

  it("follows couriers: followCouriers keeps each order's courier from the board and the relays until delivered", async () => {
    const customer = sdk(hub, 'customer', 'c-map');
    const seen: Array<ReadonlyMap<string, LivePosition>> = [];
    const stop = followCouriers(customer, (p) => seen.push(p));
    customer.connect();
    await opened(customer);
    const { orderId, handoffCode } = await customer.send('order.place', sampleOrder());
    expect(handoffCode).toMatch(/^\d{4}$/);
    const courier = await connect(hub, 'crew', 'd-map', { extraClaims: { crewRole: 'courier' } });
    for (const status of ['accepted', 'preparing', 'ready'])
      await crew.ok('order.update_status', { orderId, status });
    await courier.ok('order.update_status', { orderId, status: 'out_for_delivery' });
    await courier.ok('courier.location', { orderId, lat: 38.7, lng: -9.1 });
    await until(() => seen.at(-1)?.get(orderId)?.lat === 38.7);
    // A reconnect brings it back from the board, with who holds the order.
    customer.disconnect();
    customer.connect();
    await opened(customer);
    await until(() => seen.at(-1)?.get(orderId)?.courierId === 'd-map');
    expect(seen.at(-1)?.get(orderId)).toMatchObject({ lat: 38.7, lng: -9.1 });
    await courier.ok('order.update_status', { orderId, status: 'delivered', handoffCode });
    await until(() => seen.at(-1)?.has(orderId) === false);
    stop();
    courier.close();
  });

  it("follows ETAs: followEtas has the estimate of a new order, then the crew's word, until it is ready", async () => {
    const customer = sdk(hub, 'customer', 'c-eta');
    const seen: Array<ReadonlyMap<string, LiveEta>> = [];
    const stop = followEtas(customer, (e) => seen.push(e));
    customer.connect();
    await opened(customer);
    const { orderId } = await customer.send(
      'order.place',
      sampleOrder({ fulfillment: 'pickup', deliveryAddress: undefined }),
    );
    await until(() => seen.at(-1)?.get(orderId)?.etaBy === 'hub');
    await crew.ok('order.update_status', { orderId, status: 'accepted', etaMinutes: 7 });
    await until(() => seen.at(-1)?.get(orderId)?.etaBy === 'crew');
    const said = Date.parse(seen.at(-1)!.get(orderId)!.etaAt) - Date.now();
    expect(said).toBeGreaterThan(6 * 60_000);
    expect(said).toBeLessThanOrEqual(7 * 60_000);
    await crew.ok('order.update_status', { orderId, status: 'preparing' });
    await crew.ok('order.update_status', { orderId, status: 'ready' });
    await until(() => seen.at(-1)?.has(orderId) === false);
    stop();
  });

  it("acknowledges cumulatively by default (protocol 1.1, once the welcome grants it), each message with acks: 'each'", async () => {
    const pending = () => hub.app.get(DeliveryService).pendingCount();
    for (const [sub, acks] of [
      ['k-cumulative', undefined],
      ['k-each', 'each'],
    ] as const) {
      const m = sdk(hub, 'crew', sub, acks ? { acks } : {}).connect();
      await opened(m);
      expect(m.session?.acks).toBe(acks ?? 'cumulative');
      let failures = 0;
      const handled = new Set<string>();
      m.on('order.created', (e) => {
        // The first copy of the first order fails (a handler that throws): the hub sends it again.
        if (failures++ === 0) throw new Error('not yet');
        handled.add(e.data.order.orderId);
      });
      const customer = await connect(hub, 'customer', `c-${sub}`);
      for (let i = 0; i < 3; i++) await customer.ok('order.place', sampleOrder());
      await until(() => handled.size === 3 && pending() === 0).catch((err: unknown) => {
        throw new Error(`${sub}: handled ${handled.size}, pending ${pending()}: ${String(err)}`);
      });
      customer.close();
      m.disconnect();
    }
  });

  it('removes duplicates: a message redelivered while its handler still runs is handled once', async () => {
    const m = sdk(hub, 'crew', 'k-slow').connect();
    await opened(m);
    let calls = 0;
    m.on('order.created', async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 250)); // the hub retries after 40 ms, 80 ms, 160 ms
    });
    const customer = await connect(hub, 'customer', 'c-dup');
    await customer.ok('order.place', sampleOrder());
    await new Promise((r) => setTimeout(r, 700));
    expect(calls).toBe(1);
    const admin = await connect(hub, 'admin', 'a-dup');
    expect((await admin.ok('admin.dead_letters', {})).items).toEqual([]);
    admin.close();
    customer.close();
  });

  it('queues commands while disconnected and flushes them in order, each with one effect', async () => {
    const m = sdk(hub, 'customer', 'c-outbox', { backoff: { minMs: 300, maxMs: 600 } }).connect();
    await opened(m);
    const dropped = statusOf(m, 'reconnecting');
    m.raw!.io.engine.close();
    await dropped;
    const replies = [1, 2, 3].map((n) => m.send('order.place', sampleOrder({ notes: `n${n}` })));
    expect(m.queued).toBe(3);
    const placed = (await Promise.all(replies)) as Array<{ orderId: string }>;
    expect(new Set(placed.map((p) => p.orderId)).size).toBe(3);
    const created = await Promise.all(
      placed.map((p) =>
        crew.waitFor('order.created', (e) => (e.data.order as { orderId: string }).orderId === p.orderId),
      ),
    );
    expect(created.map((e) => (e.data.order as { notes: string }).notes)).toEqual(['n1', 'n2', 'n3']);
    const seq = created.map((e) => Number(e.cursor!.split(':').pop()));
    expect([...seq].sort((a, b) => a - b)).toEqual(seq);
    // The same requestId again (an outbox item resent after a lost reply) has no second effect.
    const again = await m.send('order.place', sampleOrder({ requestId: 'once-only' }));
    const twice = await m.send('order.place', sampleOrder({ requestId: 'once-only' }));
    expect(twice).toEqual(again);
    expect(m.queued).toBe(0);
  });

  it('recovers from its cursor after a forced transport close, in order and exactly once', async () => {
    const customerSub = 'c-recover';
    const m = sdk(hub, 'customer', customerSub, { backoff: { minMs: 600, maxMs: 600, jitter: 0 } }).connect();
    await opened(m);
    const { orderId } = (await m.send('order.place', sampleOrder())) as { orderId: string };
    const statuses: string[] = [];
    m.on('order.status_updated', (e) => {
      statuses.push(e.data.status);
    });
    const recoveries: Array<{ recovered: boolean; replayed: number }> = [];
    m.onRecovery((r) => recoveries.push(r));
    const dropped = statusOf(m, 'reconnecting');
    m.raw!.io.engine.close();
    await dropped;
    for (const status of ['accepted', 'preparing', 'ready', 'out_for_delivery', 'delivered']) {
      await crew.ok('order.update_status', { orderId, status });
    }
    await opened(m);
    await new Promise((r) => setTimeout(r, 100));
    expect(recoveries.at(-1)).toEqual({ recovered: true, replayed: 5 });
    expect(statuses).toEqual(['accepted', 'preparing', 'ready', 'out_for_delivery', 'delivered']);
  });

  it('refreshes its token before exp over auth.refresh and stays connected', async () => {
    let fetched = 0;
    const m = sdk(hub, 'customer', 'c-refresh', {
      token: undefined,
      getToken: () => {
        fetched++;
        return mintToken({ sub: 'c-refresh', role: 'customer', tenantId: 'r-1' }, { expiresIn: 3 });
      },
      refreshBeforeExpMs: 1500,
    }).connect();
    await opened(m);
    const errors: string[] = [];
    m.on('system.error', (e) => {
      errors.push(e.data.code);
    });
    await new Promise((r) => setTimeout(r, 4500));
    expect(fetched).toBeGreaterThanOrEqual(3);
    expect(m.status).toBe('open');
    expect(m.raw!.connected).toBe(true);
    expect(errors).toEqual([]);
    expect(await m.send('heartbeat', { clientTime: 1 })).toEqual({ serverTime: expect.any(Number) });
  }, 10000);

  it('when auth.refresh fails it reconnects with a freshly fetched token', async () => {
    const tokens = [
      mintToken({ sub: 'c-reauth', role: 'customer', tenantId: 'r-1' }, { expiresIn: 2 }),
      mintToken({ sub: 'someone-else', role: 'customer', tenantId: 'r-1' }, { expiresIn: 600 }), // refused by auth.refresh
      mintToken({ sub: 'c-reauth', role: 'customer', tenantId: 'r-1' }, { expiresIn: 600 }),
    ];
    let fetched = 0;
    const m = sdk(hub, 'customer', 'c-reauth', {
      token: undefined,
      getToken: () => tokens[Math.min(fetched++, tokens.length - 1)],
      refreshBeforeExpMs: 1000,
    }).connect();
    await opened(m);
    const seen: ConnectionStatus[] = [];
    m.onStatus((s) => seen.push(s));
    await new Promise((r) => setTimeout(r, 1500));
    await opened(m);
    expect(fetched).toBe(3);
    expect(seen).toEqual(['reconnecting', 'open']);
    expect(m.session?.user.id).toBe('c-reauth');
  }, 10000);

  it('a heartbeat sent right after connect() waits for the connection (not CLOSED); before connect() it is CLOSED', async () => {
    const early = sdk(hub, 'customer', 'c-early');
    await expect(early.send('heartbeat', { clientTime: 1 })).rejects.toMatchObject({ code: 'CLOSED' });
    early.connect();
    const [beat, refresh] = await Promise.allSettled([
      early.send('heartbeat', { clientTime: 2 }),
      early.send('auth.refresh', { token: 'garbage' }),
    ]);
    expect(beat).toEqual({ status: 'fulfilled', value: { serverTime: expect.any(Number) } });
    expect(refresh).toMatchObject({ status: 'rejected', reason: { code: 'UNAUTHORIZED' } });
    // Never in the outbox: a reload would not send it again on another connection.
    expect(early.queued).toBe(0);
  });

  it('a heartbeat waiting for a connection that gives up is refused with CLOSED', async () => {
    const port = await freePort(); // nothing listens here
    const m = sdk({ url: `http://127.0.0.1:${port}` }, 'crew', 'k-early', {
      reconnectAttempts: 1,
      backoff: { minMs: 50, maxMs: 100 },
    }).connect();
    await expect(m.send('heartbeat', { clientTime: 1 })).rejects.toMatchObject({ code: 'CLOSED' });
    expect(m.status).toBe('offline');
  });

  it('rejects with a typed OrderwireError for each code', async () => {
    const customer = sdk(hub, 'customer', 'c-errors').connect();
    const kitchen = sdk(hub, 'crew', 'k-errors').connect();
    await Promise.all([opened(customer), opened(kitchen)]);
    const code = async (p: Promise<unknown>) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OrderwireError);
      return (err as OrderwireError).code;
    };
    expect(await code(customer.send('order.place', { items: [] } as never))).toBe('VALIDATION_FAILED');
    expect(await code(customer.send('order.teleport' as never, {}))).toBe('UNKNOWN_EVENT');
    expect(await code(customer.send('order.update_status', { orderId: 'x', status: 'accepted' }))).toBe(
      'FORBIDDEN',
    );
    expect(await code(kitchen.send('order.update_status', { orderId: 'missing', status: 'accepted' }))).toBe(
      'NOT_FOUND',
    );
    const { orderId } = (await customer.send('order.place', sampleOrder())) as { orderId: string };
    expect(await code(kitchen.send('order.update_status', { orderId, status: 'ready' }))).toBe('CONFLICT');
    expect(await code(customer.send('order.place', sampleOrder({ notes: 'x'.repeat(20_000) })))).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(await code(customer.send('auth.refresh', { token: 'garbage' }))).toBe('UNAUTHORIZED');
    const err = await customer.send('order.place', { items: [] } as never).catch((e: OrderwireError) => e);
    expect((err as OrderwireError).details?.fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'items' })]),
    );
  });

  it('a refused handshake that retrying cannot fix goes offline and says why', async () => {
    const wrong = sdk(hub, 'admin', 'c-wrong', { token: tokenFor('customer', 'c-wrong') });
    const why = offlineWhy(wrong);
    wrong.connect();
    expect(await why).toEqual({ reason: 'forbidden', code: 'FORBIDDEN', message: expect.any(String) });
    expect(wrong.offlineReason?.reason).toBe('forbidden');
    expect(wrong.raw).toBeUndefined(); // nothing left retrying in the background

    const expired = mintToken({ sub: 'c-exp', role: 'customer', tenantId: 'r-1' }, { expiresIn: -10 });
    const stale = sdk(hub, 'customer', 'c-exp', { token: expired });
    const staleWhy = offlineWhy(stale);
    stale.connect();
    expect(await staleWhy).toEqual({
      reason: 'token_refused',
      code: 'TOKEN_EXPIRED',
      message: expect.any(String),
    });
  });

  it('getToken that keeps failing ends offline with token_refused once the attempts are spent', async () => {
    let fetched = 0;
    const m = sdk(hub, 'customer', 'c-badtoken', {
      token: undefined,
      getToken: () => (fetched++, 'not-a-jwt'),
      reconnectAttempts: 2,
    });
    const why = offlineWhy(m);
    m.connect();
    expect(await why).toEqual({ reason: 'token_refused', code: 'UNAUTHORIZED', message: expect.any(String) });
    expect(fetched).toBe(3); // the first attempt and two retries, each with a freshly fetched token
  });

  it('resume() while open finds a transport that died silently and reconnects', async () => {
    const m = sdk(hub, 'crew', 'k-asleep').connect();
    await opened(m);
    const before = m.raw!;
    // A device that slept: what it writes goes nowhere, and nothing has noticed yet.
    before.io.engine.write = () => before.io.engine;
    const seen: ConnectionStatus[] = [];
    m.onStatus((s) => seen.push(s));
    m.resume();
    await statusOf(m, 'reconnecting', 7000);
    await opened(m);
    expect(seen).toEqual(['reconnecting', 'open']);
    expect(m.raw).not.toBe(before);
    expect(before.active).toBe(false);
    expect(await m.send('heartbeat', { clientTime: 1 })).toEqual({ serverTime: expect.any(Number) });
  }, 15000);
});

describeRedis('GlobalWebSocketManager after offline, against a hub that comes back', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('connect() after offline opens with a fresh token, replays what it missed, flushes the outbox once', async () => {
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix(), DELIVERY_BACKOFF_MS: '100' };
    let hub = await startHub(env);
    const port = hub.port;
    let fetched = 0;
    const m = sdk(hub, 'customer', 'c-offline', {
      token: undefined,
      getToken: () => (fetched++, tokenFor('customer', 'c-offline')),
      reconnectAttempts: 1,
      backoff: { minMs: 100, maxMs: 200 },
    });
    m.connect();
    await opened(m);
    const { orderId } = (await m.send('order.place', sampleOrder())) as { orderId: string };
    const statuses: string[] = [];
    m.on('order.status_updated', (e) => {
      statuses.push(e.data.status);
    });

    const why = offlineWhy(m);
    await hub.close();
    expect(await why).toEqual({ reason: 'attempts_exhausted' });
    const queued = m.send('order.place', sampleOrder({ notes: 'sent while offline' }));
    expect(m.queued).toBe(1);

    // The hub comes back on the same address; meanwhile the kitchen moved the order on.
    hub = await startHub({ ...env, PORT: String(port) });
    try {
      const crew = await connect(hub, 'crew', 'k-offline');
      await crew.ok('order.update_status', { orderId, status: 'accepted', etaMinutes: 10 });
      await crew.ok('order.update_status', { orderId, status: 'preparing' });
      await new Promise((r) => setTimeout(r, 300));
      expect(m.status).toBe('offline'); // nothing reconnects behind the app's back in Node

      const recoveries: Array<{ recovered: boolean; replayed: number }> = [];
      m.onRecovery((r) => recoveries.push(r));
      m.connect();
      await opened(m);
      const second = (await queued) as { orderId: string };
      await crew.waitFor(
        'order.created',
        (e) => (e.data.order as { orderId: string }).orderId === second.orderId,
      );
      await crew.ok('heartbeat', { clientTime: 1 });
      expect(crew.of('order.created')).toHaveLength(1);
      expect(statuses).toEqual(['accepted', 'preparing']);
      expect(recoveries).toEqual([{ recovered: true, replayed: 2 }]);
      expect(fetched).toBe(2);
      expect(m.queued).toBe(0);
      expect(m.offlineReason).toBeUndefined();
      crew.close();
    } finally {
      m.disconnect();
      await hub.close();
    }
  }, 20000);
});

describe('GlobalWebSocketManager rate limits and backoff', () => {
  it('surfaces RATE_LIMITED with retryAfterMs', async () => {
    const hub = await startHub({
      RATE_COMMANDS_PER_SECOND: '2',
      RATE_COMMAND_BURST: '2',
      RATE_STRIKES: '10',
    });
    const m = sdk(hub, 'customer', 'c-rate').connect();
    await opened(m);
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => m.send('heartbeat', { clientTime: 1 })));
    const limited = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    expect(limited?.reason).toBeInstanceOf(OrderwireError);
    expect((limited!.reason as OrderwireError).code).toBe('RATE_LIMITED');
    expect((limited!.reason as OrderwireError).details?.retryAfterMs).toBeGreaterThan(0);
    m.disconnect();
    await hub.close();
  });

  it('waits between attempts within the backoff bounds, then goes offline', async () => {
    const port = await freePort(); // nothing listens here
    const m = sdk({ url: `http://127.0.0.1:${port}` }, 'crew', 'k-backoff', {
      reconnectAttempts: 4,
      backoff: { minMs: 100, maxMs: 400, jitter: 0.5 },
    });
    const attempts: number[] = [];
    const failures: number[] = [];
    m.connect();
    // Each wait runs from an attempt's failure to the next attempt: the connection attempts
    // themselves (WebSocket, then polling) take time of their own on a loaded machine.
    m.raw!.io.on('error', () => failures.push(Date.now()));
    m.raw!.io.on('reconnect_error', () => failures.push(Date.now()));
    m.raw!.io.on('reconnect_attempt', () => attempts.push(Date.now()));
    await statusOf(m, 'offline', 8000);
    expect(attempts).toHaveLength(4);
    const gaps = attempts.map((t) => t - Math.max(...failures.filter((f) => f <= t)));
    gaps.forEach((gap, i) => {
      const base = Math.min(400, 100 * 2 ** i);
      expect(gap).toBeGreaterThanOrEqual(Math.floor(base * 0.5) - 5);
      expect(gap).toBeLessThanOrEqual(Math.min(400, base * 1.5) + 150);
    });
  });
});
