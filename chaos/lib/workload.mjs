// The steady load of the chaos cases, through the SDK (so the dedupe is the SDK's): customers
// placing orders and receiving notifications, a courier moving every order to delivered and
// sending positions, a backend publishing over HTTP. A ledger records every durable message the
// hub accepted, for whom, and every one each client's handlers saw.
import { GlobalWebSocketManager } from '@orderwire/client';
import { token } from '../../bench/load/clients.mjs';
import { sleep } from './wait.mjs';

export const TENANT = 'chaos';

/** Accepted durable messages per recipient, and what each recipient's handlers were given. */
export class Ledger {
  expected = new Map(); // user -> Set of keys
  seen = new Map(); // user -> Map key -> times
  ids = new Map(); // user -> Map envelope id -> times handed to the app
  messages = new Set(); // every accepted message, once
  unrecovered = 0;
  /** Orders refused for what they are (not for the hub being away): the workload is broken. */
  ordersRefused = new Map(); // code -> count

  get accepted() {
    return this.messages.size;
  }

  expect(user, key) {
    let set = this.expected.get(user);
    if (!set) this.expected.set(user, (set = new Set()));
    set.add(key);
    // A status event is one message to several recipients; so is a notification (its id).
    this.messages.add(key);
  }

  receive(user, key, id) {
    let keys = this.seen.get(user);
    if (!keys) this.seen.set(user, (keys = new Map()));
    keys.set(key, (keys.get(key) ?? 0) + 1);
    let ids = this.ids.get(user);
    if (!ids) this.ids.set(user, (ids = new Map()));
    ids.set(id, (ids.get(id) ?? 0) + 1);
  }

  /** Expected messages some recipient has not had (yet). */
  missing() {
    let n = 0;
    for (const [user, keys] of this.expected) {
      const seen = this.seen.get(user);
      for (const key of keys) if (!seen?.has(key)) n++;
    }
    return n;
  }

  /** Up to `n` of the missing `user key` pairs, to say what was lost. */
  missingSample(n = 10) {
    const out = [];
    for (const [user, keys] of this.expected) {
      const seen = this.seen.get(user);
      for (const key of keys) if (!seen?.has(key) && out.length < n) out.push(`${user} ${key}`);
    }
    return out;
  }

  /** Messages handed to an app more than once, after the SDK's dedupe. */
  duplicated() {
    let n = 0;
    for (const ids of this.ids.values()) for (const times of ids.values()) if (times > 1) n += times - 1;
    return n;
  }

  deliveriesExpected() {
    let n = 0;
    for (const keys of this.expected.values()) n += keys.size;
    return n;
  }
}

function manager(url, role, sub, extra = {}, options = {}) {
  return new GlobalWebSocketManager({
    ...options,
    url,
    userType: role,
    token: token({ sub, role, tenantId: TENANT, ...extra }),
    transports: ['websocket'],
    reconnectAttempts: Infinity,
    backoff: { minMs: 200, maxMs: 2000, jitter: 0.5 },
    commandTimeoutMs: 5000,
  });
}

/** Keeps when a client last dropped and last opened (and, with CHAOS_DEBUG, its history). */
function track(client) {
  client.history = [];
  const at = () => new Date().toISOString().slice(17, 23);
  client.m.on('system.error', (e) =>
    client.history.push(`${at()} system.error ${e.data.code} ${e.data.message}`),
  );
  client.m.onStatus((status) => {
    if (status === 'open') client.openedAt = Date.now();
    else client.droppedAt = Date.now();
    if (!process.env.CHAOS_DEBUG) return;
    client.history.push(`${at()} ${status}`);
    const mgr = client.m.raw?.io;
    if (mgr && !mgr.chaosDebug) {
      mgr.chaosDebug = true;
      for (const ev of ['close', 'reconnect_attempt', 'reconnect_error', 'reconnect'])
        mgr.on(ev, (x) => client.history.push(`${at()} io:${ev} ${x?.message ?? x ?? ''}`));
      client.m.raw.on('connect_error', (e) =>
        client.history.push(`${at()} connect_error ${e.message} ${JSON.stringify(e.data ?? '')}`),
      );
      client.m.raw.on('disconnect', (r) => client.history.push(`${at()} disconnect ${r}`));
    }
  });
}

/** A customer's SDK client: records notifications and the events of its orders. */
export class Customer {
  get status() {
    const why = this.m.offlineReason;
    return why ? `${this.m.status} (${why.reason} ${why.code ?? ''} ${why.message ?? ''})` : this.m.status;
  }

  constructor(url, id, ledger) {
    this.id = id;
    this.ledger = ledger;
    // Both ack forms in one run: every other customer acknowledges each message (protocol 1),
    // the rest cumulatively (1.1, the SDK's default; docs/protocol.md 16).
    const acks = Number(id.replace(/\D/g, '')) % 2 === 1 ? 'each' : 'cumulative';
    this.m = manager(url, 'customer', id, {}, { acks });
    this.m.on('notification', (e) => ledger.receive(id, e.id, e.id));
    this.m.on('order.created', (e) => ledger.receive(id, `created:${e.data.order.orderId}`, e.id));
    this.m.on('order.status_updated', (e) =>
      ledger.receive(id, `status:${e.data.orderId}:${e.data.status}`, e.id),
    );
    this.m.on('menu.updated', () => (this.hasMenu = true));
    this.m.onRecovery((info) => {
      if (!info.recovered) ledger.unrecovered++;
    });
    track(this);
    this.n = 0;
    this.hasMenu = false;
  }

  connect() {
    this.m.connect();
    return this;
  }

  get open() {
    return this.m.status === 'open';
  }

  /** Places one order; an accepted one is owed its order.created. */
  async place() {
    const orderId = `${this.id}-${++this.n}`;
    try {
      // Every other order as a client before menus did (name and price, which match the menu).
      const line =
        this.n % 2
          ? { sku: 'burger', quantity: 1 }
          : { sku: 'burger', name: 'Burger', quantity: 1, unitPrice: 850 };
      await this.m.send('order.place', {
        orderId,
        items: [line],
        currency: 'EUR',
        fulfillment: 'delivery',
        deliveryAddress: { line1: '1 Main St', city: 'Lisbon' },
      });
      this.ledger.expect(this.id, `created:${orderId}`);
    } catch (err) {
      // Not accepted: nothing is owed. The hub being away is the faults' doing; a refusal of
      // the order itself (a cap, the menu, validation) means the load is not what it claims.
      if (
        err?.code &&
        !['INTERNAL', 'UNAVAILABLE', 'TIMEOUT', 'CLOSED', 'RATE_LIMITED', 'TOO_MANY_CONNECTIONS'].includes(
          err.code,
        )
      )
        this.ledger.ordersRefused.set(err.code, (this.ledger.ordersRefused.get(err.code) ?? 0) + 1);
    }
  }

  /** Stops reading its socket (the kernel's buffers fill, then the hub's): a slow consumer. */
  stopReading() {
    this.paused = this.m.raw?.io.engine?.transport?.ws?._socket;
    if (!this.paused) throw new Error(`${this.id}: no WebSocket to stop reading`);
    this.paused.pause();
  }

  resumeReading() {
    this.paused?.resume();
  }

  close() {
    this.m.disconnect();
  }
}

const NEXT = ['accepted', 'preparing', 'ready', 'out_for_delivery', 'delivered'];

/**
 * The crew: takes every new order to delivered, with positions on the way. It works the queue as
 * crew without a crewRole (every crew right; couriers only hear of delivery orders once they are
 * ready) and takes the delivery steps through a courier session of its own, which so holds the
 * order and may relay its positions (docs/protocol.md section 14).
 */
export class Courier {
  id = 'courier-1';
  get status() {
    const why = this.m.offlineReason;
    return why ? `${this.m.status} (${why.reason} ${why.code ?? ''} ${why.message ?? ''})` : this.m.status;
  }

  constructor(url, ledger) {
    this.ledger = ledger;
    this.m = manager(url, 'crew', 'courier-1', {});
    this.gps = manager(url, 'crew', 'courier-1-gps', { crewRole: 'courier' });
    this.queue = [];
    this.m.on('order.created', (e) => {
      ledger.receive('courier-1', `created:${e.data.order.orderId}`, e.id);
      this.queue.push(e.data.order);
    });
    this.m.on('order.status_updated', (e) =>
      ledger.receive('courier-1', `status:${e.data.orderId}:${e.data.status}`, e.id),
    );
    track(this);
    this.running = true;
    this.loop = this.work();
  }

  connect() {
    this.m.connect();
    this.gps.connect();
    return this;
  }

  get open() {
    return this.m.status === 'open';
  }

  async work() {
    while (this.running) {
      const order = this.queue.shift();
      if (!order) {
        await sleep(20);
        continue;
      }
      void this.deliver(order);
    }
  }

  async deliver(order) {
    for (const status of NEXT) {
      for (let attempt = 0; attempt < 20 && this.running; attempt++) {
        try {
          const via = status === 'out_for_delivery' || status === 'delivered' ? this.gps : this.m;
          await via.send('order.update_status', { orderId: order.orderId, status });
          const key = `status:${order.orderId}:${status}`;
          this.ledger.expect(order.customerId, key);
          this.ledger.expect('courier-1', key);
          break;
        } catch (err) {
          if (err.code === 'CONFLICT') break; // done by an earlier attempt whose reply was lost
          await sleep(250);
        }
      }
      if (status === 'out_for_delivery')
        await this.gps
          .send('courier.location', { orderId: order.orderId, lat: 38.72, lng: -9.14 })
          .catch(() => undefined);
    }
  }

  stop() {
    this.running = false;
    this.m.disconnect();
    this.gps.disconnect();
  }
}

/** A backend publishing notifications over HTTP; a 202 makes the message owed to its recipients. */
export class Publisher {
  constructor(url, ledger) {
    this.url = url;
    this.ledger = ledger;
    this.auth = `Bearer ${token({ sub: 'chaos-backend', role: 'service', tenants: ['*'] })}`;
    this.sent = 0;
    this.refused = 0;
  }

  /** The tenant's menu (production hubs price every order from it); true once accepted. */
  async menu() {
    const res = await fetch(`${this.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: this.auth },
      body: JSON.stringify({
        type: 'menu.updated',
        tenantId: TENANT,
        data: { currency: 'EUR', items: [{ sku: 'burger', name: 'Burger', price: 850, available: true }] },
      }),
      signal: AbortSignal.timeout(5000),
    });
    return res.status === 202;
  }

  /** To named customers (`to.userIds`), or, with `everyone`, to every customer of the tenant. */
  async notify(recipients, { everyone = false, size = 40 } = {}) {
    const body = {
      type: 'notification',
      tenantId: TENANT,
      data: { level: 'info', message: `${this.sent++} ${'x'.repeat(size)}` },
      to: everyone ? { roles: ['customer'] } : { userIds: recipients },
    };
    try {
      const res = await fetch(`${this.url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: this.auth },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
      if (res.status !== 202) {
        this.refused++;
        return;
      }
      const { id } = await res.json();
      for (const user of recipients) this.ledger.expect(user, id);
    } catch {
      this.refused++; // not accepted: nothing is owed
    }
  }
}

/** Runs `fn` every `ms` until `stop()`; each run is awaited before the next one starts. */
export function every(ms, fn) {
  let on = true;
  const done = (async () => {
    while (on) {
      const started = Date.now();
      await fn();
      await sleep(Math.max(0, ms - (Date.now() - started)));
    }
  })();
  return { stop: () => ((on = false), done) };
}
