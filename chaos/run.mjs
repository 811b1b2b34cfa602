// The chaos suite (issue #10): real hub processes (redis engine, production mode) behind a load
// balancer on loopback, a steady load of orders, courier positions and notifications through the
// SDK, and one fault per case. Each case checks, with the SDK's cursors and dedupe, that every
// durable message the hub accepted reached every recipient, and that none reached an app twice.
//
//   npm run chaos                 every case, full size
//   node chaos/run.mjs --short    the form .ci/run runs (fewer clients, shorter)
//   node chaos/run.mjs --case drops,storm
//
// Exits 1 if any accepted message is lost or duplicated. Writes chaos/results/<time>.{json,md}.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { METRICS_TOKEN, startCluster } from './lib/cluster.mjs';
import { sleep, until } from './lib/wait.mjs';
import { Courier, Customer, Ledger, Publisher, every } from './lib/workload.mjs';

const { values: args } = parseArgs({
  options: { short: { type: 'boolean', default: false }, case: { type: 'string' } },
});
const SHORT = args.short;
const log = (...a) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

/** Starts a cluster, the clients and the steady load; `fault` runs in the middle of it. */
async function runCase(
  name,
  { customers, loadMs, fault, env, direct = 0, notifyEveryMs = 50, orderEveryMs = 500, settleMs = 30_000 },
) {
  const cluster = await startCluster({ nodes: 2, env });
  const ledger = new Ledger();
  // Published before anyone connects: each customer gets it on connect, after order.board.
  if (!(await new Publisher(cluster.url, ledger).menu())) throw new Error(`${name}: the menu was refused`);
  const fleet = [];
  // The first `direct` customers connect to node-1 itself, not through the balancer (whose own
  // socket buffers would otherwise take megabytes a slow client does not read).
  for (let i = 1; i <= customers; i++) {
    fleet.push(new Customer(i <= direct ? cluster.nodes[0].url : cluster.url, `c-${i}`, ledger).connect());
  }
  const courier = new Courier(cluster.url, ledger).connect();
  const publisher = new Publisher(cluster.url, ledger);
  const everyone = () => [...fleet, courier];
  if (!(await until(() => everyone().every((c) => c.open) && fleet.every((c) => c.hasMenu), 60_000)))
    throw new Error(`${name}: clients did not connect, or did not get the menu`);
  log(name, `${fleet.length} customers and a courier connected`);

  const pick = () => fleet[Math.floor(Math.random() * fleet.length)];
  const orders = every(orderEveryMs, () =>
    Promise.all(fleet.slice(0, 20).map((c) => (Math.random() < 0.5 ? c.place() : undefined))),
  );
  const notes = every(notifyEveryMs, () => publisher.notify([pick().id, pick().id]));
  await sleep(loadMs / 2);
  const faultAt = Date.now();
  const detail = await fault({ cluster, fleet, courier, publisher, ledger });
  const faultDone = Date.now();
  await sleep(loadMs / 2);
  await orders.stop();
  await notes.stop();
  // Let the courier finish and every owed message arrive.
  const loadStopped = Date.now();
  const settled = await until(() => ledger.missing() === 0, settleMs);
  const caughtUpMs = Date.now() - loadStopped;
  // Recovery: from the end of the fault to the last client open again, among those it took down.
  const reopened = await until(() => everyone().every((c) => c.open), 30_000);
  const hit = everyone().filter((c) => c.droppedAt >= faultAt);
  const recoveryMs = Math.max(0, ...hit.map((c) => c.openedAt - faultDone));
  if (process.env.CHAOS_DEBUG) {
    const slowest = hit.map((c) => [c.id, c.openedAt - c.droppedAt]).sort((a, b) => b[1] - a[1]);
    log(name, 'slowest reconnects (ms after their last drop):', JSON.stringify(slowest.slice(0, 5)));
    const worst = hit.find((c) => c.id === slowest[0]?.[0]);
    if (worst?.history) log(name, worst.id, 'history:', worst.history.join(', '));
    const last = hit.reduce((a, c) => (!a || c.openedAt > a.openedAt ? c : a), undefined);
    if (last?.history)
      log(
        name,
        'last open:',
        last.id,
        'fault ended',
        new Date(faultDone).toISOString().slice(17, 23),
        'history:',
        last.history.join(', '),
      );
  }
  const row = {
    case: name,
    detail,
    clients: everyone().length,
    clientsDropped: hit.length,
    published: ledger.accepted,
    deliveriesOwed: ledger.deliveriesExpected(),
    lost: ledger.missing(),
    duplicated: ledger.duplicated(),
    unrecovered: ledger.unrecovered,
    ordersRefused: Object.fromEntries(ledger.ordersRefused),
    refusedPublishes: publisher.refused,
    recoverySeconds: reopened ? +(recoveryMs / 1000).toFixed(2) : null,
    settledSeconds: settled ? +(caughtUpMs / 1000).toFixed(2) : null,
    // Messages a node read from the log because the cluster bus had not brought them in time.
    readFromLog: await metricSum(cluster, 'orderwire_delivery_gap_reads_total'),
  };
  log(name, JSON.stringify(row));
  if (row.lost > 0) log(name, 'missing, for example:', ledger.missingSample().join('; '));
  const notOpen = everyone().filter((c) => !c.open);
  if (notOpen.length)
    log(
      name,
      'not open:',
      notOpen
        .slice(0, 10)
        .map((c) => `${c.id} ${c.status}`)
        .join('; '),
    );
  courier.stop();
  for (const c of fleet) c.close();
  await cluster.stop();
  return row;
}

/** A counter summed over its series and the nodes still up (a killed node's counts are gone). */
async function metricSum(cluster, name) {
  let n = 0;
  for (const node of cluster.nodes) {
    let text;
    try {
      const res = await fetch(`${node.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
        signal: AbortSignal.timeout(5000),
      });
      text = await res.text();
    } catch {
      continue; // that node is down
    }
    for (const line of text.split('\n')) {
      if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) n += Number(line.split(' ').pop());
    }
  }
  return n;
}

const CASES = {
  /** 100 client transports cut at random while the load runs. */
  drops: () =>
    runCase('drops', {
      customers: SHORT ? 60 : 200,
      loadMs: SHORT ? 8000 : 20_000,
      fault: async ({ cluster }) => {
        let cut = 0;
        for (let i = 0; i < 10; i++) {
          cut += cluster.proxy.cut(10);
          await sleep(300);
        }
        return `${cut} transports cut`;
      },
    }),
  /** SIGKILL of one of the two nodes; its clients reconnect through the balancer to the other. */
  'node-kill': () =>
    runCase('node-kill', {
      customers: SHORT ? 60 : 200,
      loadMs: SHORT ? 8000 : 20_000,
      fault: async ({ cluster }) => {
        const before = cluster.proxy.connections;
        await cluster.nodes[0].kill();
        return `SIGKILL node-1 (${before} connections through the balancer)`;
      },
    }),
  /** Redis stopped and started again (its append-only file keeps what it acknowledged). */
  'redis-restart': () =>
    runCase('redis-restart', {
      customers: SHORT ? 60 : 200,
      loadMs: SHORT ? 8000 : 20_000,
      fault: async ({ cluster }) => {
        const started = Date.now();
        await cluster.redis.restart(1000);
        return `Redis down ${((Date.now() - started) / 1000).toFixed(1)} s`;
      },
    }),
  /** Every client cut at once, and all of them reconnecting together. */
  storm: () =>
    runCase('storm', {
      customers: 2000,
      loadMs: SHORT ? 6000 : 12_000,
      notifyEveryMs: 200,
      orderEveryMs: 1000,
      settleMs: 60_000,
      fault: async ({ cluster, fleet, publisher }) => {
        // Besides the steady load: tenant-wide notifications, owed to all 2,000 customers.
        const ids = fleet.map((c) => c.id);
        for (let i = 0; i < 3; i++) await publisher.notify(ids, { everyone: true });
        const cut = cluster.proxy.cut();
        for (let i = 0; i < 3; i++) await publisher.notify(ids, { everyone: true });
        return `${cut} transports cut at once`;
      },
    }),
  /** 20 customers stop reading while a flood is addressed to them; they are shed and catch up. */
  slow: () =>
    runCase('slow', {
      customers: 40,
      loadMs: SHORT ? 4000 : 10_000,
      direct: 20,
      env: {
        SLOW_CONSUMER_MAX_BYTES: String(512 * 1024),
        SLOW_CONSUMER_SOFT_BYTES: String(128 * 1024),
        SLOW_CONSUMER_SOFT_MS: '1000',
      },
      settleMs: 60_000,
      fault: async ({ cluster, fleet, publisher }) => {
        const slow = fleet.slice(0, 20);
        for (const c of slow) c.stopReading();
        const ids = slow.map((c) => c.id);
        // ~6 MB and more to each of them: more than loopback's socket buffers (about 4 MB) plus
        // the bound, and less than REPLAY_MAX (10,000), past which a replay is recovered: false
        // by contract (the client refetches the board; notifications would be gone for it).
        const flood = SHORT ? 6000 : 8000;
        for (let i = 0; i < flood; i += 50) {
          await Promise.all(Array.from({ length: 50 }, () => publisher.notify(ids, { size: 980 })));
        }
        for (const c of slow) c.resumeReading();
        const shed = await metricSum(cluster, 'orderwire_slow_consumer_disconnects_total');
        return `20 sockets stopped reading under ${flood} notifications of 1 KB to each (${shed} shed as slow consumers)`;
      },
    }),
};

const chosen = args.case ? args.case.split(',') : Object.keys(CASES);
const rows = [];
for (const name of chosen) {
  if (!CASES[name]) throw new Error(`no case ${name}; cases: ${Object.keys(CASES).join(', ')}`);
  rows.push(await CASES[name]());
}

const table = [
  '| case | fault | clients (dropped) | published | deliveries owed | lost | duplicated | recovered: false | recovery (last client open after the fault) | all delivered (after the load stopped) | read from the log (bus late or lost) |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.case} | ${r.detail} | ${r.clients} (${r.clientsDropped}) | ${r.published} | ${r.deliveriesOwed} | ${r.lost} | ${r.duplicated} | ${r.unrecovered} | ${r.recoverySeconds ?? 'never'} s | ${r.settledSeconds ?? 'never'} s | ${r.readFromLog} |`,
  ),
].join('\n');
console.log(`\n${table}\n`);
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
mkdirSync('chaos/results', { recursive: true });
writeFileSync(
  `chaos/results/${stamp}${SHORT ? '-short' : ''}.json`,
  JSON.stringify({ short: SHORT, rows }, null, 2),
);
writeFileSync(`chaos/results/${stamp}${SHORT ? '-short' : ''}.md`, `${table}\n`);
const bad = rows.filter(
  (r) =>
    r.lost > 0 ||
    r.duplicated > 0 ||
    r.recoverySeconds === null ||
    Object.keys(r.ordersRefused ?? {}).length > 0,
);
if (bad.length) {
  console.error(
    `chaos: ${bad.map((r) => r.case).join(', ')} lost or duplicated messages, did not recover, or had orders refused (${bad.map((r) => JSON.stringify(r.ordersRefused)).join(' ')})`,
  );
  process.exit(1);
}
process.exit(0);
