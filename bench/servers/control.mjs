// What every contender process answers over IPC: heap and RSS (after a GC on request), CPU time
// and event-loop delay, so that the orchestrator measures servers the same way.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

/** BENCH_PROFILE: the V8 profiler runs over the measured window only (see scenarios.mjs). */
let profiler;

export function serveControl(extra = () => ({})) {
  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  // Garbage collection over the same window as the event-loop delay: pauses and their total.
  const gc = { count: 0, ms: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.ms += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('message', async (msg) => {
    if (msg?.cmd === 'stats') {
      if (msg.gc && global.gc)
        for (let i = 0; i < 4; i++) {
          global.gc();
          await new Promise((r) => setTimeout(r, 30));
        }
      const mem = process.memoryUsage();
      const cpu = process.cpuUsage();
      process.send({
        type: 'stats',
        id: msg.id,
        heapUsed: mem.heapUsed,
        rss: mem.rss,
        cpuMs: (cpu.user + cpu.system) / 1000,
        eldP99Ms: eld.percentile(99) / 1e6,
        eldMaxMs: eld.max / 1e6,
        gcCount: gc.count,
        gcMs: gc.ms,
        gcMaxMs: gc.maxMs,
        ...extra(),
      });
      if (msg.resetEld) {
        eld.reset();
        Object.assign(gc, { count: 0, ms: 0, maxMs: 0 });
      }
    } else if (msg?.cmd === 'profile-start') {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.post('Profiler.start');
      process.send({ type: 'profiling', id: msg.id });
    } else if (msg?.cmd === 'profile-stop') {
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      writeFileSync(msg.file, JSON.stringify(profile));
      process.send({ type: 'profiled', id: msg.id });
    } else if (msg?.cmd === 'exit') {
      process.exit(0);
    }
  });
}
