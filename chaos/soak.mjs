// The soak (issue #10; not in CI): two redis-engine nodes behind the balancer under a steady
// load of orders, courier positions and notifications for `--minutes` (default 30). Samples each
// node's heap (nodejs_heap_size_used_bytes) and RSS every second, takes each minute's
// floor (what is live after collections), and judges the floors after the warm-up (default 5
// minutes) with soakVerdict (lib/soak-verdict.mjs): their Theil-Sen slope, in MB and % per hour,
// at most `--max-pct-per-hour` (5); at least 15 minutes after the warm-up are needed. Also checks,
// as the chaos cases do, that no accepted durable message was lost or duplicated.
//
//   npm run soak [-- --minutes 30 --warmup 5]
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { METRICS_TOKEN, rssMb, startCluster } from './lib/cluster.mjs';
import { soakVerdict } from './lib/soak-verdict.mjs';
import { until } from './lib/wait.mjs';
import { Courier, Customer, Ledger, Publisher, every } from './lib/workload.mjs';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    'max-pct-per-hour': { type: 'string', default: '5' },
  },
});
const MINUTES = Number(args.minutes);
const WARMUP = Number(args.warmup);
const log = (...a) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

async function heapMb(node) {
  const res = await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const line = (await res.text())
    .split('\n')
    .find((l) => l.startsWith('nodejs_heap_size_used_bytes'));
  return Number(line.split(' ').pop()) / 2 ** 20;
}

const cluster = await startCluster({ nodes: 2 });
const ledger = new Ledger();
const fleet = Array.from({ length: 100 }, (_, i) =>
  new Customer(cluster.url, `c-${i + 1}`, ledger).connect(),
);
const courier = new Courier(cluster.url, ledger).connect();
const publisher = new Publisher(cluster.url, ledger);
await until(() => [...fleet, courier].every((c) => c.open), 60_000);
log(`soak: ${MINUTES} min (${WARMUP} min warm-up), 100 customers, a courier, notifications`);

const pick = () => fleet[Math.floor(Math.random() * fleet.length)];
// About 10 orders/s (each five status changes and a position) and 20 notifications/s.
const orders = every(1000, () => Promise.all(Array.from({ length: 10 }, () => pick().place())));
const notes = every(50, () => publisher.notify([pick().id]));

const samples = []; // { minute, node, heap, rss }
const started = Date.now();
while (Date.now() - started < MINUTES * 60_000) {
  await new Promise((r) => setTimeout(r, 1000));
  const minute = Math.floor((Date.now() - started) / 60_000);
  for (const node of cluster.nodes) {
    samples.push({ minute, node: node.name, heap: await heapMb(node), rss: rssMb(node.pid) });
  }
}
await orders.stop();
await notes.stop();
await until(() => ledger.missing() === 0, 60_000);

/**
 * Per node: the floor of each minute after warm-up (heap after collections, RSS; a single
 * minute's floor moves by a few MB with the timing of collections) and the verdict on each.
 */
const limit = { maxPctPerHour: Number(args['max-pct-per-hour']) };
const report = cluster.nodes.map((node) => {
  const minutes = [];
  for (let m = WARMUP; m < MINUTES; m++) {
    const xs = samples.filter((s) => s.node === node.name && s.minute === m);
    if (xs.length)
      minutes.push({ m, heap: Math.min(...xs.map((s) => s.heap)), rss: Math.min(...xs.map((s) => s.rss)) });
  }
  const heapFloorsMb = minutes.map((p) => +p.heap.toFixed(1));
  const rssFloorsMb = minutes.map((p) => +p.rss.toFixed(1));
  return {
    node: node.name,
    heapFloorsMb,
    heap: soakVerdict(heapFloorsMb, limit),
    rssFloorsMb,
    rss: soakVerdict(rssFloorsMb, limit),
  };
});
const result = {
  minutes: MINUTES,
  warmupMinutes: WARMUP,
  published: ledger.accepted,
  deliveriesOwed: ledger.deliveriesExpected(),
  lost: ledger.missing(),
  duplicated: ledger.duplicated(),
  nodes: report,
};
log(JSON.stringify(result, null, 2));
courier.stop();
for (const c of fleet) c.close();
await cluster.stop();
mkdirSync('chaos/results', { recursive: true });
writeFileSync(
  `chaos/results/soak-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`,
  JSON.stringify({ result, samples }, null, 2),
);
for (const r of report) log(`${r.node}: heap ${r.heap.why}; RSS ${r.rss.why}`);
const over = report.filter((r) => !r.heap.pass || !r.rss.pass);
process.exit(result.lost || result.duplicated || over.length ? 1 : 0);
