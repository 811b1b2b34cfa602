// The five scenarios. Each takes a started contender and returns plain numbers.
import { percentiles, round } from './stats.mjs';
import { openFileLimit, startGenerator, startGenerators, usesRedis } from './procs.mjs';

/** Client sockets one generator process holds at most (S1). */
const SOCKETS_PER_GENERATOR = 15_000;

const settle = (ms) => new Promise((r) => setTimeout(r, ms));

async function cpuWindow(contender, gen, run) {
  const s0 = contender.cpuMs();
  const r0 = contender.redisCpuMs();
  const g0 = await gen.cpuMs();
  const t0 = Date.now();
  const out = await run();
  const wall = Date.now() - t0;
  const pct = (ms) => round((100 * ms) / wall, 0);
  out.serverCpuPct = pct(contender.cpuMs() - s0);
  out.generatorCpuPct = pct((await gen.cpuMs()) - g0);
  if (usesRedis(contender.name)) out.redisCpuPct = pct(contender.redisCpuMs() - r0);
  return out;
}

/** S1: ramp to `clients` connections; connects/s, handshake p99, heap and RSS per idle connection. */
export async function s1(contender, cfg) {
  const server = contender.servers[0];
  // The server holds one socket per client, and so do the generators: each process may hold at
  // most `ulimit -n`. Past SOCKETS_PER_GENERATOR the clients spread over more generator processes.
  const limit = openFileLimit();
  if (cfg.clients + 1000 > limit)
    throw new Error(
      `S1 with ${cfg.clients} clients needs ulimit -n of ${cfg.clients + 1000} for the server; it is ${limit}`,
    );
  const before = await server.stats({ gc: true });
  const processes = Math.ceil(cfg.clients / Math.min(SOCKETS_PER_GENERATOR, limit - 1000));
  const workers = Math.max(cfg.workers, processes);
  const per = Math.ceil(cfg.clients / workers);
  // Each worker connects from its own loopback address, so that no (source, destination) pair
  // runs out of the 28,000 ephemeral ports.
  const jobs = Array.from({ length: workers }, (_, i) => ({
    scenario: 'connect',
    kind: contender.kind,
    url: contender.urls[0],
    count: per,
    concurrency: cfg.concurrency,
    localAddress: `127.0.0.${2 + (i % 250)}`,
    index: i,
  }));
  const gen = await startGenerators(
    Array.from({ length: processes }, (_, p) => jobs.filter((_, i) => i % processes === p)),
  );
  try {
    const result = await cpuWindow(contender, gen, async () => {
      const results = await gen.collect('result', workers);
      const seconds = Math.max(...results.map((r) => r.seconds));
      const count = results.reduce((s, r) => s + r.count, 0);
      const h = percentiles(results.map((r) => r.hist));
      return {
        clients: count,
        connectsPerSecond: round(count / seconds, 0),
        handshakeP50Ms: round(h.p50),
        handshakeP99Ms: round(h.p99),
      };
    });
    await settle(500);
    const after = await server.stats({ gc: true });
    result.heapPerConnectionKiB = round((after.heapUsed - before.heapUsed) / result.clients / 1024, 2);
    result.rssPerConnectionKiB = round((after.rss - before.rss) / result.clients / 1024, 2);
    gen.send({ type: 'close' });
    await gen.collect('closed', workers);
    return result;
  } finally {
    await gen.stop();
  }
}

/** S2: a rate sweep of order.update_status with its ack. */
export async function s2(contender, cfg) {
  const server = contender.servers[0];
  const gen = await startGenerator([
    {
      scenario: 'roundtrip',
      kind: contender.kind,
      url: contender.urls[0],
      rates: cfg.rates,
      seconds: cfg.seconds,
    },
  ]);
  try {
    const steps = [];
    for (const rate of cfg.rates) {
      await gen.collect('step-start', 1);
      await server.stats({ resetEld: true });
      const s0 = contender.cpuMs();
      const t0 = Date.now();
      gen.send({ type: 'go' });
      await gen.collect('step-done', 1);
      const eld = await server.stats();
      steps.push({
        rate,
        eldP99Ms: round(eld.eldP99Ms),
        serverCpuPct: round((100 * (contender.cpuMs() - s0)) / (Date.now() - t0), 0),
      });
    }
    const [result] = await gen.collect('result', 1);
    return result.steps.map((s, i) => {
      const h = percentiles([s.hist]);
      return {
        ...steps[i],
        achieved: round(s.achieved, 0),
        failed: s.failed,
        p50Ms: round(h.p50),
        p99Ms: round(h.p99),
        p999Ms: round(h.p999),
      };
    });
  } finally {
    await gen.stop();
  }
}

/** S3 (and S5): fan-out to a room of `room` receivers; deliveries/s, e2e latency, loss, dups, order. */
export async function fanout(contender, cfg) {
  const run = Math.random().toString(36).slice(2, 8);
  // S6 spreads its orders over several tenants, each with its own crew room (`room` screens).
  const tenants = Array.from({ length: cfg.tenants ?? 1 }, (_, i) => `fan${run}${i || ''}`);
  const tenant = tenants[0];
  // More receiver threads for bigger rooms: one thread acking many busy sockets saturates first,
  // and its sockets then wait their turn for longer than the hub's ack backoff.
  const receiverWorkers = cfg.room >= 100 ? 4 : cfg.room >= 10 ? 2 : 1;
  const volatile = Boolean(cfg.volatile);
  const receiverUrls = cfg.receiveOn === 'second' ? [contender.urls.at(-1)] : contender.urls;
  const jobs = [
    ...Array.from({ length: receiverWorkers }, (_, i) => ({
      scenario: 'receive',
      kind: contender.kind,
      urls: receiverUrls,
      role: volatile ? 'customer' : 'crew',
      tenant,
      tenants,
      acks: contender.acks,
      count: volatile ? 1 : Math.ceil((cfg.room * tenants.length) / receiverWorkers),
      event: volatile ? 'courier.location' : cfg.announce ? 'notification' : 'order.created',
      drainMs: cfg.drainMs,
      index: i,
    })),
  ];
  // Volatile: the receiver is the order's customer; its sub is `customer-0-0`.
  const pubs = Array.from({ length: cfg.publishers }, (_, i) => ({
    scenario: 'publish',
    kind: contender.kind,
    url: contender.urls[0],
    tenant,
    tenants,
    acks: contender.acks,
    seconds: cfg.seconds,
    window: cfg.window,
    rate: cfg.rate,
    payloadBytes: cfg.payloadBytes,
    warmupSeconds: cfg.warmupSeconds ?? 0,
    announce: Boolean(cfg.announce),
    requestIds: Boolean(cfg.requestIds),
    volatile,
    // Hubs price order.place from the tenant's menu, as in production (BENCH_MENU=off: without).
    menu: process.env.BENCH_MENU !== 'off',
    customerId: 'customer-0-0',
    index: 100 + i,
  }));
  const recv = await startGenerator(jobs);
  const pub = await startGenerator(pubs);
  try {
    await recv.collect('ready', jobs.length);
    await pub.collect('ready', pubs.length);
    const warmupMs = (cfg.warmupSeconds ?? 0) * 1000;
    const goAt = Date.now();
    recv.send({ type: 'measure-from', at: goAt + warmupMs });
    pub.send({ type: 'go' });
    // CPU and throughput are measured after the warm-up.
    await settle(warmupMs);
    const profileLabel = `${volatile ? 'volatile' : 'durable'}-room${cfg.room}-${cfg.payloadBytes}B`;
    await contender.profile('start', profileLabel);
    const s0 = contender.cpuMs();
    const r0 = contender.redisCpuMs();
    const calls0 = await contender.redisCalls();
    const g0 = (await recv.cpuMs()) + (await pub.cpuMs());
    // The first server's event-loop delay and GC pauses over the measured window.
    await contender.servers[0].stats({ resetEld: true });
    const t0 = Date.now();
    const published = await pub.collect('result', pubs.length);
    const pubWall = Date.now() - t0;
    const loop = await contender.servers[0].stats();
    // CPU over the publishing window (the drain after it would dilute it).
    const serverMs = contender.cpuMs() - s0;
    const redisMs = contender.redisCpuMs() - r0;
    const calls1 = await contender.redisCalls();
    const generatorMs = (await recv.cpuMs()) + (await pub.cpuMs()) - g0;
    await contender.profile('stop', profileLabel);
    recv.send({ type: 'stop' });
    const received = await recv.collect('result', jobs.length);
    const accepted = published.reduce((s, r) => s + r.accepted, 0);
    const got = received.reduce((s, r) => s + r.received, 0);
    const measured = received.reduce((s, r) => s + r.measured, 0);
    const expected = volatile ? null : accepted * cfg.room;
    const h = percentiles(received.map((r) => r.hist));
    const out = {
      room: volatile ? 1 : cfg.room,
      payloadBytes: cfg.payloadBytes,
      accepted,
      delivered: got,
      deliveriesPerSecond: round(measured / (pubWall / 1000), 0),
      e2eP50Ms: round(h.p50),
      e2eP99Ms: round(h.p99),
      lost: expected === null ? null : Math.max(0, expected - got),
      duplicated: received.reduce((s, r) => s + r.dup, 0),
      reordered: received.reduce((s, r) => s + r.reordered, 0),
      serverCpuPct: round((100 * serverMs) / pubWall, 0),
      eldP99Ms: round(loop.eldP99Ms),
      eldMaxMs: round(loop.eldMaxMs),
      gcMaxMs: round(loop.gcMaxMs),
      gcPct: round((100 * loop.gcMs) / pubWall, 1),
      generatorCpuPct: round((100 * generatorMs) / pubWall, 0),
      // A generator thread near 100 % is a saturated client, whatever the process CPU says.
      busiestGeneratorThreadPct: round(Math.max(...[...published, ...received].map((r) => r.busyPct)), 0),
    };
    if (usesRedis(contender.name)) out.redisCpuPct = round((100 * redisMs) / pubWall, 0);
    if (calls0 && measured > 0) {
      // Redis calls per published message in the window (its deliveries over the room's size),
      // by command: the round trips and work each message costs, whatever the machine's speed.
      const messages = measured / (volatile ? 1 : cfg.room);
      const per = Object.entries(calls1)
        .map(([cmd, n]) => [cmd, round((n - (calls0[cmd] ?? 0) - (cmd === 'info' ? 1 : 0)) / messages, 2)])
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1]);
      out.redisCallsPerMessage = round(
        per.reduce((sum, [, n]) => sum + n, 0),
        1,
      );
      out.redisCalls = Object.fromEntries(per);
    }
    // What transfers to real hardware: CPU per delivered message, every server process and Redis.
    out.cpuUsPerDelivery = measured > 0 ? round((1000 * (serverMs + redisMs)) / measured, 1) : null;
    return out;
  } finally {
    await recv.stop();
    await pub.stop();
  }
}

/** S4: a client misses `count` durable messages, then reconnects with its cursor. */
export async function s4(contender, cfg) {
  const gen = await startGenerator([
    { scenario: 'replay', kind: contender.kind, url: contender.urls[0], count: cfg.count },
  ]);
  try {
    const [r] = await gen.collect('result', 1, 120_000);
    return { messages: r.got, replayMs: round(r.ms), recovered: r.recovered };
  } finally {
    await gen.stop();
  }
}
