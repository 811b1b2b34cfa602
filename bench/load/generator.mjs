// A load-generator process: runs a job in worker threads and relays phases and results to the
// orchestrator over IPC. Its own CPU time (all threads) is reported with the results, so that a
// saturated generator is never mistaken for a slow server.
import { Worker } from 'node:worker_threads';

const workerUrl = new URL('./worker.mjs', import.meta.url);
let workers = [];

process.on('message', (msg) => {
  if (msg.type === 'start') {
    workers = msg.jobs.map((job, index) => {
      const w = new Worker(workerUrl, { workerData: { ...job, index: job.index ?? index } });
      w.on('message', (m) => process.send({ ...m, worker: index }));
      w.on('error', (err) =>
        process.send({ type: 'error', worker: index, message: err.stack ?? String(err) }),
      );
      w.on('exit', () => {
        workers = workers.filter((x) => x !== w);
        if (workers.length === 0) process.send({ type: 'exited' });
      });
      return w;
    });
  } else if (msg.type === 'cpu') {
    const c = process.cpuUsage();
    process.send({ type: 'cpu', cpuMs: (c.user + c.system) / 1000 });
  } else if (msg.type === 'exit') {
    process.exit(0);
  } else {
    for (const w of workers) w.postMessage(msg);
  }
});
process.send({ type: 'up' });
