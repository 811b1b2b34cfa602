// One hostile user against a production-mode hub with the memory engine, for the RSS figures of
// issue #10. order-hog: ten sessions of one customer that never read their sockets, placing
// maximum-size orders (and cancelling them, to stay under any active-order cap) with ack
// callbacks, as fast as they care to send, reconnecting whenever they are cut. slow-consumer:
// ten sessions of one crew member that never read, while polite customers order.
//
//   node chaos/hostile-user.mjs [--attack order-hog|slow-consumer] [--dist dist] [--seconds 60] [--rate 200]
//
// Prints RSS (MB) of the hub: at baseline, its peak during the attack, and 20 s after the
// attacker left (a plain wait: V8 gives back what it can on its own). Loopback only.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { BENCH_SECRET, token } from '../bench/load/clients.mjs';
import { freePort, rssMb } from './lib/cluster.mjs';
import { sleep } from './lib/wait.mjs';

const { values: args } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist' },
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '200' }, // commands/s tried, all sessions together
    sessions: { type: 'string', default: '10' },
    // With --retention S, messages and final orders are kept S seconds, and the "after" figure is
    // taken once the retention sweep (every 60 s) has had its turn: what the hub gives back.
    retention: { type: 'string' },
    // order-hog: the hostile customer sends orders itself (and never reads).
    // slow-consumer: the hostile user is crew (ten sessions that never read) while 20 polite
    // customers each place and cancel a maximum-size order every second, which crew receive.
    attack: { type: 'string', default: 'order-hog' },
    // slow-consumer: each polite customer orders once per this many ms.
    'polite-ms': { type: 'string', default: '1000' },
  },
});
const SECONDS = Number(args.seconds);
const SESSIONS = Number(args.sessions);
const RATE = Number(args.rate);
const SECRET = BENCH_SECRET; // this run's: a production hub refuses any secret the repo ships

/** The largest order.place the default MESSAGE_MAX_BYTES (16 KiB) lets through. */
function bigOrder(orderId) {
  const item = (i) => ({
    sku: `sku-${i}-${'s'.repeat(50)}`,
    name: 'n'.repeat(200),
    quantity: 99,
    unitPrice: 99_999,
  });
  const order = {
    orderId,
    items: Array.from({ length: 50 }, (_, i) => item(i)),
    currency: 'EUR',
    fulfillment: 'delivery',
    deliveryAddress: {
      line1: 'a'.repeat(200),
      line2: 'b'.repeat(200),
      city: 'c'.repeat(100),
      instructions: 'i'.repeat(500),
    },
    notes: 'x'.repeat(500),
  };
  while (Buffer.byteLength(JSON.stringify(['order.place', order])) > 16_000) order.items.pop();
  return order;
}

const port = await freePort();
const hub = spawn(process.execPath, [resolve(args.dist, 'main.js')], {
  env: {
    ...process.env,
    NODE_ENV: 'production',
    // A tenant without a menu, whose customers name their own items (up to 200 characters
    // each): the most a customer can make the hub store per order, which is what is measured.
    CATALOG_REQUIRED: 'false',
    PORT: String(port),
    HOST: '127.0.0.1',
    JWT_SECRET: SECRET,
    CORS_ORIGINS: '*',
    LOG_LEVEL: 'error',
    WS_TRANSPORTS: 'websocket',
    REDIS_URL: '',
    ...(args.retention
      ? { MESSAGE_TTL_SECONDS: args.retention, ORDER_RETENTION_SECONDS: args.retention }
      : {}),
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const url = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${url}/health/live`)).ok) break;
  } catch {
    /* not listening yet */
  }
  if (i > 200) throw new Error('the hub did not start');
  await sleep(50);
}

// Warm-up: one polite customer places and reads an order, then the baseline is taken.
const polite = io(`${url}/customer`, {
  path: '/ws',
  transports: ['websocket'],
  auth: { token: token({ sub: 'polite', role: 'customer', tenantId: 'r-1' }) },
});
await new Promise((ok) => polite.once('order.board', ok));
await polite.timeout(5000).emitWithAck('order.place', bigOrder(undefined));
await sleep(3000);
const baseline = Math.round(rssMb(hub.pid));

const SLOW = args.attack === 'slow-consumer';
if (!SLOW && args.attack !== 'order-hog') throw new Error('--attack order-hog or slow-consumer');
const hogRole = SLOW ? 'crew' : 'customer';
const hogToken = token({ sub: 'hog', role: hogRole, tenantId: 'r-1' });
let sent = 0;
let cuts = 0;
const sockets = [];
for (let s = 0; s < SESSIONS; s++) {
  const socket = io(`${url}/${hogRole}`, {
    path: '/ws',
    transports: ['websocket'],
    auth: { token: hogToken },
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
  });
  // Never read: as soon as the session is up, its TCP socket stops being read.
  socket.on('connect', () => socket.io.engine.transport.ws?._socket?.pause());
  socket.on('disconnect', (reason) => {
    cuts++;
    // Cut by the hub (rate-limit strikes): come straight back, as an attacker would.
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 100);
  });
  sockets.push(socket);
}
// The polite traffic of the slow-consumer attack: customers who read and acknowledge.
const customers = [];
if (SLOW) {
  for (let i = 0; i < 20; i++) {
    const c = io(`${url}/customer`, {
      path: '/ws',
      transports: ['websocket'],
      auth: { token: token({ sub: `polite-${i}`, role: 'customer', tenantId: 'r-1' }) },
    });
    c.onAny((_type, _envelope, ack) => typeof ack === 'function' && ack());
    customers.push(c);
  }
}
let k = 0;
const politeTimer = setInterval(() => {
  for (const c of customers) {
    if (!c.connected) continue;
    const id = `${c.id}-${k}`;
    c.emit('order.place', bigOrder(id), () => c.emit('order.cancel', { orderId: id }, () => undefined));
  }
  k++;
}, Number(args['polite-ms']));

const started = Date.now();
let peak = baseline;
let n = 0;
const tick = 50;
const perTick = SLOW ? 0 : Math.max(1, Math.round((RATE * tick) / 1000));
const timer = setInterval(() => {
  for (let i = 0; i < perTick; i++) {
    const socket = sockets[n % SESSIONS];
    const orderId = `hog-${n}`;
    n++;
    if (!socket.connected) continue;
    // Place, then cancel the one placed before: active orders stay low, final ones pile up.
    if (n % 2 === 1) socket.emit('order.place', bigOrder(orderId), () => undefined);
    else socket.emit('order.cancel', { orderId: `hog-${n - 2}`, reason: 'x'.repeat(200) }, () => undefined);
    sent++;
  }
}, tick);
while (Date.now() - started < SECONDS * 1000) {
  await sleep(1000);
  peak = Math.max(peak, Math.round(rssMb(hub.pid)));
}
clearInterval(timer);
clearInterval(politeTimer);
for (const socket of [...sockets, ...customers]) socket.disconnect();
await sleep(args.retention ? 70_000 : 20_000);
const after = Math.round(rssMb(hub.pid));
polite.disconnect();
hub.kill('SIGKILL');
const result = {
  attack: args.attack,
  baselineMb: baseline,
  peakMb: peak,
  growthMb: peak - baseline,
  afterLeaveMb: after,
  commandsSent: sent,
  disconnects: cuts,
  seconds: SECONDS,
  rate: RATE,
};
console.log(JSON.stringify(result));
process.exit(0);
