// A load-generator thread: runs its share of one scenario's clients and reports histograms
// (microseconds, HDR) and counts to the generator process.
import * as hdr from 'hdr-histogram-js';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { clock, open, token } from './clients.mjs';

const job = workerData;
const hist = () =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
const enc = (h) => hdr.encodeIntoCompressedBase64(h);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** This thread's event-loop utilisation (%) since `from` (a reading of eventLoopUtilization()). */
const busyPct = (from) => (from ? round1(100 * performance.eventLoopUtilization(from).utilization) : null);
const round1 = (n) => Math.round(n * 10) / 10;
const waitMsg = (type) =>
  new Promise((resolve) =>
    parentPort.on('message', function f(m) {
      if (m.type === type) {
        parentPort.off('message', f);
        resolve(m);
      }
    }),
  );
const items = [{ sku: 'b', name: 'Burger', quantity: 1, unitPrice: 850 }];
/** Order items whose JSON is about `bytes` long: the same payload for every contender. */
function itemsOf(bytes) {
  const out = [];
  let size = 2;
  while (size < bytes) {
    const name = 'x'.repeat(Math.min(170, Math.max(1, bytes - size - 60)));
    out.push({ sku: `s${out.length}`, name, quantity: 1, unitPrice: 100 });
    size += name.length + 60;
  }
  return out.length ? out : items;
}

/**
 * The tenant's menu, with the skus and prices of the bench's order lines (the names are the
 * menu's), published like a restaurant's service would; resolves once a new session gets it.
 */
async function publishMenu(url, tenant, lines) {
  const menuItems = lines.map((l) => ({
    sku: l.sku,
    name: 'bench item',
    price: l.unitPrice,
    available: true,
  }));
  const res = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token({ sub: 'bench-pos', role: 'service', tenants: ['*'] })}`,
    },
    body: JSON.stringify({
      type: 'menu.updated',
      tenantId: tenant,
      data: { currency: 'EUR', items: menuItems },
    }),
  });
  if (res.status !== 202) throw new Error(`the bench menu was refused: ${res.status} ${await res.text()}`);
  for (const end = Date.now() + 10_000; Date.now() < end;) {
    let got = false;
    const { client } = await open('hub', url, {
      role: 'customer',
      sub: 'menu-check',
      tenant,
      onEvent: (type) => (got ||= type === 'menu.updated'),
    });
    await new Promise((r) => setTimeout(r, 50));
    client.close();
    if (got) return;
  }
  throw new Error('the bench menu did not reach a session within 10 s');
}

async function pool(n, concurrency, fn) {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (i < n) await fn(i++);
    }),
  );
}

const scenarios = {
  /** S1: connect `count` crew clients, measure handshake → welcome, hold them idle. */
  async connect() {
    const h = hist();
    const clients = [];
    const started = clock();
    await pool(job.count, job.concurrency, async (i) => {
      const { client, ms } = await open(job.kind, job.url, {
        role: 'crew',
        sub: `w${job.index}-c${i}`,
        tenant: `t${i % 50}`,
        localAddress: job.localAddress,
      });
      h.recordValue(Math.max(1, Math.round(ms * 1000)));
      clients.push(client);
    });
    parentPort.postMessage({
      type: 'result',
      hist: enc(h),
      count: clients.length,
      seconds: (clock() - started) / 1000,
    });
    await waitMsg('close');
    for (const c of clients) c.close();
    parentPort.postMessage({ type: 'closed' });
  },

  /** S2: order.update_status at a fixed rate (open loop), ack latency per step. */
  async roundtrip() {
    const tenant = `rt${job.index}`;
    const { client: customer } = await open(job.kind, job.url, {
      role: 'customer',
      sub: `cust${job.index}`,
      tenant,
    });
    const crews = [];
    for (let i = 0; i < 4; i++)
      crews.push(
        (await open(job.kind, job.url, { role: 'crew', sub: `crew${job.index}-${i}`, tenant })).client,
      );
    const walk = ['accepted', 'preparing', 'ready', 'picked_up'];
    /** Orders for `total` updates (four each), placed before a step. */
    const placeOrders = async (total) => {
      const orders = [];
      await pool(Math.ceil(total / 4), 64, async () => {
        const r = await customer.send('order.place', { items, currency: 'EUR', fulfillment: 'pickup' });
        orders.push(r.data.orderId);
      });
      // The placing burst's deliveries and acks settle before the step is timed.
      await sleep(250);
      return orders;
    };
    /** `total` updates at `rate`, open loop; their ack latencies go into `h`. */
    const runStep = async (rate, total, orders, h) => {
      let failed = 0;
      const t0 = clock();
      const inflight = [];
      for (let k = 0; k < total; k++) {
        const due = t0 + (k * 1000) / rate;
        const wait = due - clock();
        if (wait > 1) await sleep(wait);
        const orderId = orders[Math.floor(k / 4) % orders.length];
        const status = walk[k % 4];
        const sentAt = clock();
        const crew = crews[Math.floor(k / 4) % crews.length]; // an order's steps go in order on one socket
        inflight.push(
          crew.send('order.update_status', { orderId, status }).then((r) => {
            if (!r.ok) failed++;
            h.recordValue(Math.max(1, Math.round((clock() - sentAt) * 1000)));
          }),
        );
      }
      await Promise.all(inflight);
      return { failed, seconds: (clock() - t0) / 1000 };
    };
    // Warm-up, unmeasured: one second at the first rate (JIT, first allocations).
    const warm = Math.round(job.rates[0]);
    await runStep(job.rates[0], warm, await placeOrders(warm), hist());
    const steps = [];
    for (const rate of job.rates) {
      const total = Math.round(rate * job.seconds);
      const orders = await placeOrders(total);
      parentPort.postMessage({ type: 'step-start', rate });
      await waitMsg('go');
      const h = hist();
      const { failed, seconds } = await runStep(rate, total, orders, h);
      steps.push({ rate, hist: enc(h), achieved: total / seconds, failed });
      parentPort.postMessage({ type: 'step-done', rate });
    }
    customer.close();
    crews.forEach((c) => c.close());
    parentPort.postMessage({ type: 'result', steps });
  },

  /** S3 receivers: `count` crew (or customers for volatile) in one tenant; latency, loss, dups, order. */
  async receive() {
    const h = hist();
    let received = 0;
    let measured = 0;
    let dup = 0;
    let reordered = 0;
    let unique = 0;
    // Every receiver keeps its own books: a message must reach each of them once, in order.
    // Durable messages are counted by publisher and sequence number in a bit set per publisher
    // (a Set of keys grew to millions of strings and slowed the receivers down).
    const track = () => {
      const seen = new Set();
      const bits = new Map();
      const lastSeq = new Map();
      // The hub's promise is publish order, the log's (docs/protocol.md section 6): a hub's
      // messages are checked by their cursors' seq. Pipelined placements of one publisher may be
      // stored in another order than sent (the hub runs a connection's commands concurrently);
      // a baseline broadcasts each as it arrives, so its order is the publisher's.
      let lastCursorSeq = -1;
      /** Marks `seq` of `pub` as seen; false if it was seen before. */
      const firstTime = (pub, seq) => {
        let b = bits.get(pub);
        if (!b || seq >> 3 >= b.length) {
          const grown = new Uint8Array(Math.max(1024, (seq >> 3) * 2 + 1));
          if (b) grown.set(b);
          bits.set(pub, (b = grown));
        }
        const mask = 1 << (seq & 7);
        if (b[seq >> 3] & mask) return false;
        b[seq >> 3] |= mask;
        return true;
      };
      return (type, env) => {
        if (type !== job.event) return;
        if (type === 'courier.location') {
          // Volatile: best effort, counted by id; latency from the hub's stamp (ms precision).
          if (seen.has(env.id)) return void dup++;
          seen.add(env.id);
          received++;
          if (Date.parse(env.data.at) < job.measureFrom) return;
          measured++;
          h.recordValue(Math.max(1, Math.round((clock() - Date.parse(env.data.at)) * 1000)));
          return;
        }
        const notes = type === 'notification' ? env.data.message : env.data.order?.notes;
        if (!notes) return;
        const [t, pub, seqText, warm] = notes.split('|');
        const seq = Number(seqText);
        if (!firstTime(pub, seq)) return void dup++;
        received++;
        unique++;
        if (typeof env.cursor === 'string') {
          const logSeq = Number(env.cursor.slice(env.cursor.lastIndexOf(':') + 1));
          if (logSeq < lastCursorSeq) reordered++;
          lastCursorSeq = Math.max(lastCursorSeq, logSeq);
        } else {
          const prev = lastSeq.get(pub) ?? -1;
          if (seq < prev) reordered++;
          lastSeq.set(pub, Math.max(prev, seq));
        }
        // Warm-up messages count for loss, duplicates and order, not for latency or throughput.
        if (warm) return;
        measured++;
        h.recordValue(Math.max(1, Math.round((clock() - Number(t)) * 1000)));
      };
    };
    job.measureFrom = Infinity;
    let elu;
    parentPort.on('message', (m) => {
      if (m.type !== 'measure-from') return;
      job.measureFrom = m.at;
      setTimeout(() => (elu = performance.eventLoopUtilization()), Math.max(0, m.at - Date.now()));
    });
    const clients = [];
    const tenants = job.tenants ?? [job.tenant];
    for (let i = 0; i < job.count; i++) {
      const url = job.urls[i % job.urls.length];
      clients.push(
        (
          await open(job.kind, url, {
            role: job.role,
            sub: `${job.role}-${job.index}-${i}`,
            tenant: tenants[i % tenants.length],
            acks: job.acks,
            onEvent: track(),
          })
        ).client,
      );
    }
    parentPort.postMessage({ type: 'ready' });
    await waitMsg('stop');
    const busy = busyPct(elu);
    await sleep(job.drainMs);
    for (const c of clients) c.close();
    parentPort.postMessage({
      type: 'result',
      hist: enc(h),
      received,
      measured,
      dup,
      reordered,
      unique,
      busyPct: busy,
    });
  },

  /** S3/S5 publishers: order.place (durable) or courier.location (volatile), windowed or at a rate. */
  async publish() {
    const tenant = job.tenant;
    const payloadItems = itemsOf(job.payloadBytes);
    const orders = job.kind === 'hub' && job.menu && !job.volatile && !job.announce;
    // S6: one customer per tenant, the orders going round them (each tenant's menu first).
    const tenants = job.volatile || job.announce ? [tenant] : (job.tenants ?? [tenant]);
    const senders = [];
    for (const t of tenants) {
      if (orders) await publishMenu(job.url, t, [...items, ...payloadItems]);
      const { client: c } = await open(job.kind, job.url, {
        role: job.volatile ? 'crew' : job.announce ? 'admin' : 'customer',
        sub: `pub-${job.index}`,
        tenant: t,
        acks: job.acks,
        crewRole: 'courier',
      });
      senders.push(c);
    }
    const client = senders[0];
    let location;
    if (job.volatile) {
      let orderId = 'v';
      if (job.kind === 'hub') {
        // The hub relays a courier's position only for an order out for delivery: make one.
        const { client: owner } = await open(job.kind, job.url, {
          role: 'customer',
          sub: job.customerId,
          tenant,
        });
        const placed = await owner.send('order.place', {
          items,
          currency: 'EUR',
          fulfillment: 'delivery',
          deliveryAddress: { line1: 'a', city: 'b' },
        });
        orderId = placed.data.orderId;
        // The kitchen's steps by the front (a courier may take only the delivery steps).
        const { client: front } = await open(job.kind, job.url, {
          role: 'crew',
          sub: `front-${job.index}`,
          tenant,
          crewRole: 'front',
        });
        for (const status of ['accepted', 'preparing', 'ready'])
          await front.send('order.update_status', { orderId, status });
        await client.send('order.update_status', { orderId, status: 'out_for_delivery' });
        front.close();
        owner.close();
      }
      location =
        job.kind === 'hub'
          ? { orderId, lat: 38.7, lng: -9.1 }
          : { orderId, customerId: job.customerId, lat: 38.7, lng: -9.1 };
    }
    parentPort.postMessage({ type: 'ready' });
    await waitMsg('go');
    let seq = 0;
    let accepted = 0;
    const begin = clock();
    const warmUntil = begin + (job.warmupSeconds ?? 0) * 1000;
    const stopAt = warmUntil + job.seconds * 1000;
    let elu;
    setTimeout(() => (elu = performance.eventLoopUtilization()), warmUntil - begin);
    const one = async () => {
      const s = seq++;
      const now = clock();
      const mark = `${now}|${job.index}|${s}${now < warmUntil ? '|w' : ''}`;
      const r = job.volatile
        ? await client.send('courier.location', location)
        : job.announce
          ? await client.send('admin.announce', { audience: ['crew'], level: 'info', message: mark })
          : await senders[s % senders.length].send('order.place', {
              items: payloadItems,
              currency: 'EUR',
              fulfillment: 'pickup',
              notes: mark,
              // As the SDK sends it (S3's requestId case): unique, so each one runs once.
              ...(job.requestIds && job.kind === 'hub' ? { requestId: `${job.index}-${s}-${begin}` } : {}),
            });
      if (r?.ok) accepted++;
    };
    if (job.rate) {
      const t0 = begin;
      const inflight = [];
      for (let k = 0; clock() < stopAt; k++) {
        const wait = t0 + (k * 1000) / job.rate - clock();
        if (wait > 1) await sleep(wait);
        inflight.push(one());
      }
      await Promise.all(inflight);
    } else {
      await Promise.all(
        Array.from({ length: job.window }, async () => {
          while (clock() < stopAt) await one();
        }),
      );
    }
    const busy = busyPct(elu);
    for (const c of senders) c.close();
    parentPort.postMessage({ type: 'result', sent: seq, accepted, busyPct: busy });
  },

  /** S4: a crew client misses `count` durable messages, then reconnects with its cursor. */
  async replay() {
    const tenant = `replay${job.index}`;
    const { client: first } = await open(job.kind, job.url, { role: 'crew', sub: 'replayer', tenant });
    const cursor = first.welcome.cursor;
    first.close();
    const { client: customer } = await open(job.kind, job.url, { role: 'customer', sub: 'feeder', tenant });
    await pool(job.count, 32, async (i) => {
      await customer.send('order.place', {
        items,
        currency: 'EUR',
        fulfillment: 'pickup',
        notes: `replay|${i}`,
      });
    });
    customer.close();
    let got = 0;
    let done;
    const all = new Promise((r) => (done = r));
    const started = clock();
    let lastAt = 0;
    const { client } = await open(job.kind, job.url, {
      role: 'crew',
      sub: 'replayer',
      tenant,
      cursor,
      onEvent: (type, env) => {
        if (type === 'order.created' && env.data.order.notes?.startsWith('replay|') && ++got === job.count) {
          lastAt = clock();
          done();
        }
      },
    });
    await Promise.race([all, sleep(30_000)]);
    client.close();
    parentPort.postMessage({
      type: 'result',
      got,
      ms: got === job.count ? lastAt - started : null,
      recovered: client.welcome?.recovered,
      replayed: client.welcome?.replayed,
    });
  },
};

await scenarios[job.scenario]();
