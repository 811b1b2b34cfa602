#!/usr/bin/env node
// `npm run bench` (about 14 minutes) or `npm run bench -- --quick` (under 2 minutes, a smoke
// test that checks no thresholds). Contenders run interleaved (A B C A B C …) in one run; each
// figure is the median of the repeats, with min and max. Results: bench/results/<date>.json and
// .md; a full run also refreshes the table in docs/benchmarks.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startContender, startRedis } from './lib/procs.mjs';
import { fanout, s1, s2, s4 } from './lib/scenarios.mjs';
import { renderMarkdown, targetsOf } from './lib/report.mjs';
import { summary } from './lib/stats.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    contenders: { type: 'string' },
    repeats: { type: 'string' },
    seconds: { type: 'string' },
    cases: { type: 'string' },
    clients: { type: 'string' },
  },
});
const quick = args.quick;
const only = args.only ? new Set(args.only.split(',')) : undefined;
const ALL = [
  'baseline-socketio',
  'baseline-ws',
  'baseline-socketio-redis-1',
  'baseline-socketio-redis-2',
  'hub-memory',
  'hub-redis-1',
  'hub-redis-2',
];
/** S1 and S2: one node of each kind (the cluster's costs are S3's and S5's). */
const S1_CONTENDERS = ['baseline-socketio', 'baseline-ws', 'hub-memory', 'hub-redis-1'];
const S2_CONTENDERS = ['baseline-socketio', 'baseline-ws', 'hub-memory'];

/** A full-run fan-out case: two publishers, 2.5 s measured after 0.75 s of warm-up. */
const fan = (room, payloadBytes = 100, extra = {}) => ({
  room,
  payloadBytes,
  publishers: 2,
  window: 32,
  seconds: 2.5,
  warmupSeconds: 0.75,
  drainMs: 600,
  ...extra,
});

/**
 * S6, one step of the open-loop sweep (issue #33): menu-priced `order.place` at `ordersPerSecond`
 * from two publishers, spread over 10 tenants with 10 crew screens each, every delivery acked.
 */
/** The hubs again with their clients on protocol 1.1's cumulative acknowledgements (issue #33). */
const CUMULATIVE = ['hub-memory:acks=cumulative', 'hub-redis-1:acks=cumulative'];
const S6_CONTENDERS = ['baseline-socketio', 'hub-memory', 'hub-redis-1', ...CUMULATIVE];
const sweepStep = (ordersPerSecond, step) =>
  fan(10, 100, { tenants: 10, publishers: 2, rate: ordersPerSecond / 2, drainMs: 1000, ...step });

/** The quick (smoke) version of a fan-out case: 1 s after half a second of warm-up. */
const QUICK_FAN = { window: 16, seconds: 1, warmupSeconds: 0.5, drainMs: 500 };

const CFG = quick
  ? {
      repeats: 1,
      s1: { clients: 1000, workers: 2, concurrency: 50, contenders: S1_CONTENDERS },
      s2: { rates: [500, 1000], seconds: 1, contenders: S2_CONTENDERS },
      s3: [fan(10, 100, QUICK_FAN)],
      s3volatile: fan(1, 100, { ...QUICK_FAN, volatile: true }),
      s6: { rates: [1000], step: { seconds: 1, warmupSeconds: 0.5 } },
      s3contenders: ALL,
      s4: { count: 200 },
      s5: {
        room: 1,
        payloadBytes: 100,
        publishers: 1,
        rate: 500,
        seconds: 2,
        warmupSeconds: 1,
        drainMs: 500,
        receiveOn: 'second',
        announce: true,
      },
    }
  : {
      repeats: Number(args.repeats ?? 3),
      s1: { clients: 10_000, workers: 2, concurrency: 100, contenders: S1_CONTENDERS },
      s2: { rates: [500, 1000, 2000, 4000, 8000], seconds: 1.5, contenders: S2_CONTENDERS },
      s3: [
        // Rooms of 1 and 10 with both acknowledgement forms (the targets of issue #33).
        fan(1, 100, { contenders: [...ALL, ...CUMULATIVE] }),
        fan(10, 100, { contenders: [...ALL, ...CUMULATIVE] }),
        fan(100, 100, { window: 16, drainMs: 1000 }),
        fan(10, 1024),
        // As the SDK sends order.place: with a requestId (the hub remembers each result for
        // retries); the baselines have nothing like it, so this is what idempotency costs.
        fan(10, 100, { requestIds: true, contenders: S1_CONTENDERS.filter((c) => c !== 'baseline-ws') }),
        // The clusters at one fixed rate, below every one's saturation (open loop, 500 orders/s
        // from each publisher): CPU per delivery at equal throughput. Closed-loop, a second node
        // and its Redis traffic compete for the same two cores with the first node and the
        // generators, and that contention, which real hardware does not have, is counted too.
        fan(10, 100, { rate: 500, contenders: ALL.filter((c) => c.includes('-redis-')) }),
      ],
      s3volatile: fan(1, 100, { volatile: true }),
      s6: { rates: [1000, 2000, 3000, 4000], step: { seconds: 3, warmupSeconds: 1 } },
      s3contenders: ALL,
      s4: { count: 1000 },
      s5: {
        room: 1,
        payloadBytes: 100,
        publishers: 1,
        rate: 1000,
        seconds: 10,
        warmupSeconds: 2,
        drainMs: 1000,
        receiveOn: 'second',
        // A durable admin.announce on node 1 to crew on node 2: cross-node delivery itself; the
        // cost of order.place (board, checks) is S3's to measure.
        announce: true,
      },
    };

if (args.seconds) for (const c of [...CFG.s3, CFG.s3volatile]) c.seconds = Number(args.seconds);
// S1's idle connections (`--clients 19000`): one process may hold at most `ulimit -n` sockets.
if (args.clients) CFG.s1.clients = Number(args.clients);

const started = Date.now();
const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s]`, ...a);
const results = {
  date: new Date().toISOString(),
  quick,
  machine: {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    node: process.version,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
  },
  scenarios: {},
};
const want = (s) => !only || only.has(s);
const redis = await startRedis();

/** Runs `fn` for every contender, interleaved, `repeats` times; returns runs by contender. */
async function interleaved(label, all, fn) {
  // A hub contender may be named with its transport patches, `hub-redis-1:patches=off` (or a
  // `+`-separated list of patches): the A/B of a patch against the same hub without it.
  const contenders = args.contenders
    ? args.contenders.split(',').filter((c) => all.includes(c.split(':')[0]))
    : all;
  const runs = Object.fromEntries(contenders.map((c) => [c, []]));
  for (let r = 0; r < CFG.repeats; r++) {
    for (const name of contenders) {
      const contender = await startContender(name, redis);
      try {
        const out = await fn(contender);
        runs[name].push(out);
        log(label, name, `#${r + 1}`, JSON.stringify(out).slice(0, 220));
      } catch (err) {
        log(label, name, `#${r + 1} FAILED`, err.message);
        runs[name].push({ error: err.message });
      } finally {
        await contender.stop();
      }
    }
  }
  return runs;
}

/** Median/min/max per numeric field over the repeats of each contender. */
function aggregate(runs) {
  const out = {};
  for (const [name, list] of Object.entries(runs)) {
    const ok = list.filter((r) => !r.error);
    const fields = new Set(ok.flatMap((r) => Object.keys(r)));
    out[name] = Object.fromEntries(
      [...fields].map((f) => [f, typeof ok[0]?.[f] === 'number' ? summary(ok.map((r) => r[f])) : ok[0]?.[f]]),
    );
    out[name].errors = list.length - ok.length;
  }
  return out;
}

try {
  if (want('S1'))
    results.scenarios.S1 = aggregate(await interleaved('S1', CFG.s1.contenders, (c) => s1(c, CFG.s1)));
  if (want('S2')) {
    const runs = await interleaved('S2', CFG.s2.contenders, (c) => s2(c, CFG.s2));
    results.scenarios.S2 = Object.fromEntries(
      Object.entries(runs).map(([name, list]) => [
        name,
        CFG.s2.rates.map((rate, i) => {
          const at = list.filter((r) => Array.isArray(r)).map((r) => r[i]);
          const fields = ['achieved', 'p50Ms', 'p99Ms', 'p999Ms', 'eldP99Ms', 'serverCpuPct', 'failed'];
          return { rate, ...Object.fromEntries(fields.map((f) => [f, summary(at.map((s) => s[f]))])) };
        }),
      ]),
    );
  }
  if (want('S3')) {
    results.scenarios.S3 = [];
    for (const cfg of [...CFG.s3, CFG.s3volatile]) {
      const label = `S3 ${cfg.volatile ? 'volatile' : 'durable'} room=${cfg.room} ${cfg.payloadBytes}B${cfg.requestIds ? ' requestId' : ''}${cfg.rate ? ` at ${cfg.rate * cfg.publishers} orders/s` : ''}`;
      if (args.cases && !args.cases.split(',').some((c) => label.includes(c))) continue;
      const contenders =
        cfg.contenders ??
        (cfg.volatile ? CFG.s3contenders.filter((c) => !c.endsWith('-redis-2')) : CFG.s3contenders);
      results.scenarios.S3.push({
        label,
        volatile: Boolean(cfg.volatile),
        requestIds: Boolean(cfg.requestIds),
        ...(cfg.rate ? { ordersPerSecond: cfg.rate * cfg.publishers } : {}),
        room: cfg.room,
        payloadBytes: cfg.payloadBytes,
        byContender: aggregate(await interleaved(label, contenders, (c) => fanout(c, cfg))),
      });
    }
  }
  if (want('S6')) {
    results.scenarios.S6 = [];
    for (const rate of CFG.s6.rates) {
      const label = `S6 open loop at ${rate} orders/s`;
      if (args.cases && !args.cases.split(',').some((c) => label.includes(c))) continue;
      const cfg = sweepStep(rate, CFG.s6.step);
      results.scenarios.S6.push({
        label,
        ordersPerSecond: rate,
        byContender: aggregate(await interleaved(label, S6_CONTENDERS, (c) => fanout(c, cfg))),
      });
    }
  }
  if (want('S4'))
    results.scenarios.S4 = aggregate(
      await interleaved('S4', ['hub-memory', 'hub-redis-1'], (c) => s4(c, CFG.s4)),
    );
  if (want('S5'))
    results.scenarios.S5 = aggregate(await interleaved('S5', ['hub-redis-2'], (c) => fanout(c, CFG.s5)));
} finally {
  redis.stop();
}

results.seconds = Math.round((Date.now() - started) / 1000);
results.targets = targetsOf(results);
const dir = new URL('./results/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const stamp = results.date.slice(0, 19).replace(/[:T]/g, '-');
// Dated files are for full runs; quick and partial runs overwrite their own (ignored) files.
const name = quick ? 'quick-latest' : only || args.contenders || args.cases ? 'partial-latest' : stamp;
const md = renderMarkdown(results);
writeFileSync(`${dir}${name}.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${dir}${name}.md`, md);
if (!quick && !only && !args.contenders && !args.cases) {
  const readme = new URL('../docs/benchmarks.md', import.meta.url).pathname;
  if (existsSync(readme)) {
    const text = readFileSync(readme, 'utf8');
    const table = `<!-- bench:start -->\n${md}\n<!-- bench:end -->`;
    writeFileSync(readme, text.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, table));
  }
}
log(`done in ${results.seconds} s: bench/results/${name}.json and .md`);
console.log(md);
const failures = Object.values(results.scenarios)
  .flatMap((s) => (Array.isArray(s) ? s.map((x) => x.byContender) : [s]))
  .flatMap((s) => Object.values(s))
  .filter((c) => c?.errors > 0);
if (failures.length > 0) {
  console.error(`${failures.length} contender runs failed`);
  process.exit(1);
}
