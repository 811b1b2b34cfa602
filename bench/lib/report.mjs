// The markdown table and the targets of issue #5, from one run's results.
const med = (x) => (x && typeof x === 'object' ? x.median : x);
const fmt = (x, d = 1) =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x).toFixed(d).replace(/\.0+$/, '');
const mmm = (s, d = 1) =>
  s && typeof s === 'object' ? `${fmt(s.median, d)} (${fmt(s.min, d)}–${fmt(s.max, d)})` : fmt(s, d);
const ratio = (a, b) => (med(a) && med(b) ? med(a) / med(b) : null);

/** Saturation: the highest rate served in full (≥ 95 %), without failures, p99 under 100 ms. */
export function saturation(steps) {
  let sat = null;
  for (const s of steps ?? [])
    if (med(s.achieved) >= 0.95 * s.rate && !med(s.failed) && med(s.p99Ms) < 100) sat = s.rate;
  return sat;
}

/** S6: the highest rate whose deliveries kept up (≥ 95 % of 10 per order) with p99 under 100 ms. */
export function sweepSaturation(steps, contender) {
  let sat = null;
  for (const s of steps ?? []) {
    const c = s.byContender[contender];
    if (c && med(c.deliveriesPerSecond) >= 0.95 * 10 * s.ordersPerSecond && med(c.e2eP99Ms) < 100)
      sat = s.ordersPerSecond;
  }
  return sat;
}

export function targetsOf(r) {
  const t = [];
  const S1 = r.scenarios.S1;
  if (S1?.['hub-memory'] && S1['baseline-socketio']) {
    const c = ratio(S1['hub-memory'].connectsPerSecond, S1['baseline-socketio'].connectsPerSecond);
    t.push({
      target: 'S1 connects/s ≥ 0.7 × baseline-socketio',
      measured: `${fmt(c, 2)}×`,
      met: c !== null && c >= 0.7,
    });
    const h = ratio(S1['hub-memory'].heapPerConnectionKiB, S1['baseline-socketio'].heapPerConnectionKiB);
    t.push({
      target: 'S1 heap per idle connection ≤ 2 × baseline-socketio',
      measured: `${fmt(h, 2)}×`,
      met: h !== null && h <= 2,
    });
  }
  const S2 = r.scenarios.S2?.['hub-memory'];
  if (S2) {
    const sat = saturation(S2);
    const half = sat ? [...S2].reverse().find((s) => s.rate <= sat / 2) : undefined;
    const p99 = half ? med(half.p99Ms) : null;
    t.push({
      target: 'S2 hub-memory p99 at 50 % of its saturation ≤ 25 ms',
      measured: half ? `${fmt(p99, 2)} ms at ${half.rate}/s (saturation ${sat}/s)` : 'no saturation found',
      met: p99 !== null && p99 <= 25,
    });
  }
  for (const s of r.scenarios.S3 ?? []) {
    const base = s.byContender['baseline-socketio'];
    // Issue #33: durable room=10 ≥ 0.65×, every other durable case ≥ 0.5×, volatile ≥ 0.8×.
    const plainRoom10 = !s.volatile && !s.requestIds && s.room === 10 && s.payloadBytes === 100;
    const need = s.volatile ? 0.8 : plainRoom10 ? 0.65 : 0.5;
    for (const name of ['hub-memory', 'hub-memory:acks=cumulative']) {
      const hub = s.byContender[name];
      if (!hub || !base) continue;
      const q = ratio(hub.deliveriesPerSecond, base.deliveriesPerSecond);
      t.push({
        target: `${s.label}: ${name} deliveries/s ≥ ${need} × baseline-socketio`,
        measured: `${fmt(q, 2)}×`,
        met: q !== null && q >= need,
      });
    }
  }
  // Issue #15: the redis engine against the same cluster on plain Socket.IO, and what a second
  // node costs per message (on one machine two nodes cannot add throughput; CPU transfers).
  const room10 = (r.scenarios.S3 ?? []).find(
    (s) => !s.volatile && !s.requestIds && !s.ordersPerSecond && s.room === 10 && s.payloadBytes === 100,
  );
  const redis1 = room10?.byContender['hub-redis-1'];
  const base1 = room10?.byContender['baseline-socketio-redis-1'];
  for (const name of ['hub-redis-1', 'hub-redis-1:acks=cumulative']) {
    const hub = room10?.byContender[name];
    if (!hub || !base1) continue;
    const q = ratio(hub.deliveriesPerSecond, base1.deliveriesPerSecond);
    t.push({
      target: `${room10.label}: ${name} deliveries/s ≥ 0.5 × baseline-socketio-redis-1`,
      measured: `${fmt(q, 2)}×`,
      met: q !== null && q >= 0.5,
    });
  }
  const redis2 = room10?.byContender['hub-redis-2'];
  if (redis1 && redis2) {
    const q = ratio(redis2.cpuUsPerDelivery, redis1.cpuUsPerDelivery);
    t.push({
      target: `${room10.label}: hub-redis-2 CPU per delivery ≤ 1.2 × hub-redis-1's`,
      measured: `${fmt(q, 2)}× (${fmt(med(redis2.cpuUsPerDelivery))} against ${fmt(med(redis1.cpuUsPerDelivery))} µs)`,
      met: q !== null && q <= 1.2,
    });
  }
  // The same at one fixed rate below saturation: equal throughput, without the contention for
  // two cores that a closed loop adds when a second node joins (it has no cores of its own here).
  const atRate = (r.scenarios.S3 ?? []).find((s) => s.ordersPerSecond && s.room === 10);
  const [rate1, rate2] = ['hub-redis-1', 'hub-redis-2'].map((n) => atRate?.byContender[n]);
  if (rate1 && rate2) {
    const q = ratio(rate2.cpuUsPerDelivery, rate1.cpuUsPerDelivery);
    // Equal only if both kept up with the rate.
    const kept = [rate1, rate2].every(
      (c) => med(c.deliveriesPerSecond) >= 0.95 * atRate.ordersPerSecond * atRate.room,
    );
    t.push({
      target: `${atRate.label}: hub-redis-2 CPU per delivery ≤ 1.2 × hub-redis-1's, at equal throughput`,
      measured: `${fmt(q, 2)}× (${fmt(med(rate2.cpuUsPerDelivery))} against ${fmt(med(rate1.cpuUsPerDelivery))} µs)${kept ? '' : ', a node fell behind the rate'}`,
      met: q !== null && q <= 1.2 && kept,
    });
  }
  const durable = (r.scenarios.S3 ?? []).filter((s) => !s.volatile);
  if (durable.length) {
    let bad = 0;
    for (const s of durable)
      for (const [name, c] of Object.entries(s.byContender))
        if (name.startsWith('hub'))
          bad += (c.lost?.max ?? 0) + (c.duplicated?.max ?? 0) + (c.reordered?.max ?? 0);
    t.push({
      target: 'S3 zero lost, duplicated or reordered durable messages in every hub run',
      measured: `${bad}`,
      met: bad === 0,
    });
  }
  for (const [name, c] of Object.entries(r.scenarios.S4 ?? {})) {
    const ms = med(c.replayMs);
    t.push({
      target: `S4 ${name}: replay of ${fmt(med(c.messages), 0)} messages ≤ 250 ms`,
      measured: `${fmt(ms)} ms`,
      met: ms !== null && ms <= 250,
    });
  }
  const S6 = r.scenarios.S6 ?? [];
  const p99At = (rate, n) => med(S6.find((s) => s.ordersPerSecond === rate)?.byContender[n]?.e2eP99Ms);
  for (const [n, rates] of [
    ['hub-memory', [1000, 2000]],
    ['hub-memory:acks=cumulative', [1000, 2000]],
    ['hub-redis-1', [1000]],
    ['hub-redis-1:acks=cumulative', [1000]],
  ])
    for (const rate of rates) {
      const p99 = p99At(rate, n);
      if (p99 === undefined || p99 === null) continue;
      t.push({
        target: `S6 ${n} p99 at ${rate} orders/s ≤ 15 ms`,
        measured: `${fmt(p99, 1)} ms`,
        met: p99 <= 15,
      });
    }
  if (S6.length > 1) {
    const base = sweepSaturation(S6, 'baseline-socketio');
    for (const name of ['hub-memory', 'hub-memory:acks=cumulative']) {
      if (!base || !S6.some((s) => s.byContender[name])) continue;
      const hub = sweepSaturation(S6, name);
      t.push({
        target: `S6 ${name} saturation ≥ 0.9 × baseline-socketio`,
        measured: `${hub ?? '–'} / ${base} orders/s`,
        met: (hub ?? 0) >= 0.9 * base,
      });
    }
  }
  const S5 = r.scenarios.S5?.['hub-redis-2'];
  if (S5)
    t.push({
      target: 'S5 cross-node p99 at 1,000 msg/s ≤ 50 ms',
      measured: `${fmt(med(S5.e2eP99Ms), 2)} ms`,
      met: med(S5.e2eP99Ms) !== null && med(S5.e2eP99Ms) <= 50,
    });
  return t;
}

export function renderMarkdown(r) {
  const L = [];
  L.push(
    `Run ${r.date.slice(0, 16).replace('T', ' ')} UTC${r.quick ? ' (quick)' : ''}: ${r.machine.cpus} cores (${r.machine.cpu}), Node ${r.machine.node}, ${r.seconds} s. Medians of the repeats (min–max); ratios against baseline-socketio in the same run.`,
  );
  L.push('');
  if (r.targets?.length) {
    L.push('| target | measured | met |', '|---|---|---|');
    for (const t of r.targets) L.push(`| ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
    L.push('');
  }
  const S1 = r.scenarios.S1;
  if (S1) {
    const base = S1['baseline-socketio'];
    L.push(
      `**S1 connect** (${fmt(med(Object.values(S1)[0]?.clients), 0)} clients)`,
      '',
      '| contender | connects/s | ratio | handshake p50 / p99 ms | heap KiB/conn | RSS KiB/conn | server CPU % | generator CPU % |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const [n, c] of Object.entries(S1))
      L.push(
        `| ${n} | ${mmm(c.connectsPerSecond, 0)} | ${fmt(ratio(c.connectsPerSecond, base?.connectsPerSecond), 2)} | ${fmt(med(c.handshakeP50Ms), 2)} / ${fmt(med(c.handshakeP99Ms), 2)} | ${mmm(c.heapPerConnectionKiB)} | ${mmm(c.rssPerConnectionKiB)} | ${fmt(med(c.serverCpuPct), 0)} | ${fmt(med(c.generatorCpuPct), 0)} |`,
      );
    L.push('');
  }
  const S2 = r.scenarios.S2;
  if (S2) {
    L.push(
      '**S2 command round trip** (`order.update_status` with its ack, open-loop rate sweep)',
      '',
      '| contender | rate/s | achieved/s | p50 ms | p99 ms | p99.9 ms | event-loop p99 ms | server CPU % |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const [n, steps] of Object.entries(S2)) {
      for (const s of steps)
        L.push(
          `| ${n} | ${s.rate} | ${fmt(med(s.achieved), 0)} | ${fmt(med(s.p50Ms), 2)} | ${mmm(s.p99Ms, 2)} | ${fmt(med(s.p999Ms), 2)} | ${fmt(med(s.eldP99Ms), 1)} | ${fmt(med(s.serverCpuPct), 0)} |`,
        );
      L.push(`| ${n} | saturation ≈ ${saturation(steps) ?? '–'}/s | | | | | | |`);
    }
    L.push('');
  }
  if (r.scenarios.S3?.length) {
    L.push(
      '**S3 fan-out** (closed loop; durable `order.created` to a crew room, volatile `courier.location` to one customer)',
      '',
      '| case | contender | deliveries/s | ratio | ratio to its cluster baseline | CPU µs per delivery | Redis calls per message | e2e p50 / p99 ms | lost | dup | reordered | server CPU % | Redis CPU % | generators CPU % | busiest generator thread % |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const s of r.scenarios.S3) {
      const base = s.byContender['baseline-socketio'];
      for (const [n, c] of Object.entries(s.byContender)) {
        // hub-redis-N against baseline-socketio-redis-N: the same cluster without the hub.
        const peer = n.startsWith('hub-redis-')
          ? s.byContender[n.replace('hub-', 'baseline-socketio-')]
          : undefined;
        L.push(
          `| ${s.label} | ${n} | ${mmm(c.deliveriesPerSecond, 0)} | ${fmt(ratio(c.deliveriesPerSecond, base?.deliveriesPerSecond), 2)} | ${fmt(ratio(c.deliveriesPerSecond, peer?.deliveriesPerSecond), 2)} | ${fmt(med(c.cpuUsPerDelivery), 1)} | ${fmt(med(c.redisCallsPerMessage), 1)} | ${fmt(med(c.e2eP50Ms), 1)} / ${fmt(med(c.e2eP99Ms), 1)} | ${fmt(c.lost?.max ?? c.lost, 0)} | ${fmt(c.duplicated?.max, 0)} | ${fmt(c.reordered?.max, 0)} | ${fmt(med(c.serverCpuPct), 0)} | ${fmt(med(c.redisCpuPct), 0)} | ${fmt(med(c.generatorCpuPct), 0)} | ${fmt(med(c.busiestGeneratorThreadPct), 0)} |`,
        );
      }
    }
    L.push('');
  }
  if (r.scenarios.S6?.length) {
    L.push(
      '**S6 open-loop sweep** (`order.place` at a fixed rate over 10 tenants × 10 crew screens, every delivery acknowledged; event-loop delay and GC of the first server over the measured window)',
      '',
      '| orders/s | contender | deliveries/s | e2e p50 / p99 ms | event-loop delay p99 / max ms | GC max ms, % of time | CPU µs per delivery | server CPU % | lost | dup | reordered |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const s of r.scenarios.S6)
      for (const [n, c] of Object.entries(s.byContender))
        L.push(
          `| ${s.ordersPerSecond} | ${n} | ${mmm(c.deliveriesPerSecond, 0)} | ${fmt(med(c.e2eP50Ms), 1)} / ${mmm(c.e2eP99Ms, 1)} | ${fmt(med(c.eldP99Ms), 1)} / ${fmt(med(c.eldMaxMs), 1)} | ${fmt(med(c.gcMaxMs), 1)}, ${fmt(med(c.gcPct), 1)} | ${fmt(med(c.cpuUsPerDelivery), 1)} | ${fmt(med(c.serverCpuPct), 0)} | ${fmt(c.lost?.max ?? c.lost, 0)} | ${fmt(c.duplicated?.max, 0)} | ${fmt(c.reordered?.max, 0)} |`,
        );
    for (const n of Object.keys(r.scenarios.S6[0].byContender))
      L.push(
        `| saturation ≈ ${sweepSaturation(r.scenarios.S6, n) ?? '–'} orders/s | ${n} | | | | | | | | | |`,
      );
    L.push('');
  }
  if (r.scenarios.S4) {
    L.push(
      '**S4 replay** (a client misses the messages, then reconnects with its cursor)',
      '',
      '| contender | messages | replay ms | recovered |',
      '|---|---|---|---|',
    );
    for (const [n, c] of Object.entries(r.scenarios.S4))
      L.push(`| ${n} | ${fmt(med(c.messages), 0)} | ${mmm(c.replayMs)} | ${c.recovered} |`);
    L.push('');
  }
  if (r.scenarios.S5) {
    L.push(
      '**S5 cross-node** (publish on node 1 at a fixed rate, receive on node 2)',
      '',
      '| contender | delivered | e2e p50 ms | e2e p99 ms | server CPU % | Redis CPU % |',
      '|---|---|---|---|---|---|',
    );
    for (const [n, c] of Object.entries(r.scenarios.S5))
      L.push(
        `| ${n} | ${fmt(med(c.delivered), 0)} | ${mmm(c.e2eP50Ms, 2)} | ${mmm(c.e2eP99Ms, 2)} | ${fmt(med(c.serverCpuPct), 0)} | ${fmt(med(c.redisCpuPct), 0)} |`,
      );
  }
  return `${L.join('\n')}\n`;
}
