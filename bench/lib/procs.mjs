// Starting the contenders and the load generators as child processes, and reading their CPU.
import { fork, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { BENCH_SECRET } from '../load/clients.mjs';

const here = (p) => new URL(p, import.meta.url).pathname;
const TICK_MS = 10; // /proc CPU ticks are 1/100 s on Linux

export function procCpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** One IPC child with request/response over messages. */
function ipcChild(script, env = {}, execArgv = ['--expose-gc']) {
  const child = fork(here(script), [], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const waiters = [];
  child.on('message', (m) => {
    for (const w of [...waiters]) {
      if (!w.match(m)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(m);
    }
  });
  return {
    child,
    wait: (match, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${script}: timed out waiting`)), timeoutMs);
        waiters.push({ match, resolve: (m) => (clearTimeout(t), resolve(m)) });
      }),
    send: (m) => child.send(m),
  };
}

let statId = 0;
/**
 * BENCH_PROFILE=dir writes a V8 CPU profile of every server into that folder (see docs/benchmarks.md):
 * of the measured window only where a scenario marks one (S3, S5), else of the whole process.
 */
const PROFILE = process.env.BENCH_PROFILE;
// The folder is made here: a server writing into a missing one would die at the end of its window.
if (PROFILE) mkdirSync(PROFILE, { recursive: true });
/** BENCH_PROFILE_WHOLE=1: profile whole processes (start-up and warm-up included) instead. */
const WINDOWED = process.env.BENCH_PROFILE_WHOLE !== '1';

async function serverProc(script, env, nodeFlags = []) {
  const p = ipcChild(
    script,
    env,
    PROFILE && !WINDOWED
      ? ['--expose-gc', ...nodeFlags, '--cpu-prof', `--cpu-prof-dir=${PROFILE}`]
      : ['--expose-gc', ...nodeFlags],
  );
  const ready = await p.wait((m) => m.type === 'ready', 60_000);
  return {
    pid: p.child.pid,
    url: `http://127.0.0.1:${ready.ports[0]}`,
    stats: async (opts = {}) => {
      const id = ++statId;
      p.send({ cmd: 'stats', id, ...opts });
      return p.wait((m) => m.type === 'stats' && m.id === id);
    },
    /** Starts (`start`) or ends and writes (`stop`) a profile of the measured window. */
    profile: async (what, label) => {
      if (!PROFILE || !WINDOWED) return;
      const id = ++statId;
      const file = `${PROFILE}/${label}-${p.child.pid}.cpuprofile`;
      p.send({ cmd: `profile-${what}`, id, file });
      await p.wait((m) => (m.type === 'profiling' || m.type === 'profiled') && m.id === id);
    },
    stop: () =>
      new Promise((resolve) => {
        p.child.once('exit', resolve);
        // A profiled server exits on its own, so that V8 writes the profile.
        if (PROFILE) p.send({ cmd: 'exit' });
        else p.child.kill('SIGKILL');
      }),
  };
}

export const HUB_DEFAULTS = {
  JWT_SECRET: BENCH_SECRET,
  RATE_COMMANDS_PER_SECOND: '1000000',
  RATE_COMMAND_BURST: '1000000',
  RATE_USER_COMMANDS_PER_SECOND: '1000000',
  RATE_USER_COMMAND_BURST: '1000000',
  RATE_COURIER_PER_SECOND: '1000000',
  HANDSHAKES_PER_IP_PER_SECOND: '1000000',
  RAW_SESSIONS_PER_IP: '1000000', // every load-generator client shares one address
  SESSIONS_PER_TENANT: '1000000',
  SESSIONS_PER_USER: '1000',
  MAX_ACTIVE_ORDERS_PER_CUSTOMER: '1000000', // a few bench customers place every order
  MAX_ACTIVE_ORDERS_PER_TENANT: '1000000',
  ORDER_ACCEPT_SLA_SECONDS: '3600',
  WS_TRANSPORTS: 'websocket',
};

/** A private redis-server for the redis contenders. */
export async function startRedis() {
  const port = await freePort();
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused until redis-server is up
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  // Calls per Redis command (INFO commandstats; commands run by Lua scripts count too).
  const admin = new Redis(url, { maxRetriesPerRequest: 1 });
  admin.on('error', () => undefined);
  const calls = async () => {
    const out = {};
    for (const m of (await admin.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
      out[m[1]] = Number(m[2]);
    return out;
  };
  const stop = () => (admin.disconnect(), proc.kill('SIGKILL'));
  return { url, pid: proc.pid, cpuMs: () => procCpuMs(proc.pid), calls, stop };
}

/** The contenders that run on the bench's Redis (their Redis CPU is theirs). */
export const usesRedis = (name) => name.includes('redis');

/** Starts a contender: `{ name, urls, servers, stats(), cpuMs(), redisCpuMs(), stop() }`. */
export async function startContender(label, redis) {
  // Options after the name: `:patches=off` (or `frame-batching+ack-decoder`), TRANSPORT_PATCHES
  // for a hub; `:acks=cumulative`, its clients acknowledging cumulatively (protocol 1.1);
  // `:semi=N`, a hub's V8 young generation (--max-semi-space-size=N, MiB; Node's own default else).
  const [name, ...options] = label.split(':');
  const { patches, acks, semi } = Object.fromEntries(options.map((o) => o.split('=')));
  const hubFlags = semi ? [`--max-semi-space-size=${Number(semi)}`] : [];
  const HUB_ENV = {
    ...HUB_DEFAULTS,
    ...(patches ? { TRANSPORT_PATCHES: patches.replaceAll('+', ',') } : {}),
  };
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const hubEnv = (node) => ({
    ...HUB_ENV,
    ...(redis ? { REDIS_URL: redis.url, REDIS_PREFIX: prefix, NODE_ID: `${prefix}-${node}` } : {}),
  });
  let servers;
  const baselineEnv = { REDIS_URL: redis?.url, BENCH_PREFIX: prefix };
  if (name === 'baseline-socketio') servers = [await serverProc('../servers/baseline-socketio.mjs')];
  else if (name === 'baseline-socketio-redis-1')
    servers = [await serverProc('../servers/baseline-socketio.mjs', baselineEnv)];
  else if (name === 'baseline-socketio-redis-2')
    servers = [
      await serverProc('../servers/baseline-socketio.mjs', baselineEnv),
      await serverProc('../servers/baseline-socketio.mjs', baselineEnv),
    ];
  else if (name === 'baseline-ws') servers = [await serverProc('../servers/baseline-ws.mjs')];
  else if (name === 'hub-memory') servers = [await serverProc('../servers/hub.mjs', HUB_ENV, hubFlags)];
  else if (name === 'hub-redis-1') servers = [await serverProc('../servers/hub.mjs', hubEnv(1), hubFlags)];
  else if (name === 'hub-redis-2')
    servers = [
      await serverProc('../servers/hub.mjs', hubEnv(1), hubFlags),
      await serverProc('../servers/hub.mjs', hubEnv(2), hubFlags),
    ];
  else throw new Error(`unknown contender ${name}`);
  return {
    name: label,
    acks,
    kind: name === 'baseline-ws' ? 'ws' : name.startsWith('baseline-socketio') ? 'socketio' : 'hub',
    urls: servers.map((s) => s.url),
    servers,
    cpuMs: () => servers.reduce((sum, s) => sum + procCpuMs(s.pid), 0),
    /** BENCH_PROFILE: profiles every server over a scenario's measured window. */
    profile: (what, label) => Promise.all(servers.map((s) => s.profile(what, `${label}-${name}`))),
    redisCpuMs: () => (usesRedis(name) ? redis.cpuMs() : 0),
    /** Redis calls per command so far (see startRedis), or undefined without Redis. */
    redisCalls: () => (usesRedis(name) ? redis.calls() : Promise.resolve(undefined)),
    stop: () => Promise.all(servers.map((s) => s.stop())),
  };
}

/** A load-generator process running `jobs` in worker threads. */
export async function startGenerator(jobs) {
  const p = ipcChild('../load/generator.mjs', {}, []);
  await p.wait((m) => m.type === 'up');
  const messages = [];
  p.child.on('message', (m) => {
    messages.push(m);
    if (m.type === 'error') console.error(`generator worker ${m.worker}: ${m.message}`);
  });
  p.send({ type: 'start', jobs });
  return {
    /** Resolves once `count` messages of `type` arrived (all workers' results, say). */
    collect: async (type, count, timeoutMs = 180_000) => {
      const deadline = Date.now() + timeoutMs;
      while (messages.filter((m) => m.type === type).length < count) {
        if (messages.some((m) => m.type === 'error')) throw new Error('a generator worker failed');
        if (Date.now() > deadline) throw new Error(`timed out collecting ${type}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const out = messages.filter((m) => m.type === type);
      for (const m of out) messages.splice(messages.indexOf(m), 1);
      return out;
    },
    send: (m) => p.send(m),
    cpuMs: async () => {
      p.send({ type: 'cpu' });
      return (await p.wait((m) => m.type === 'cpu')).cpuMs;
    },
    stop: () =>
      new Promise((resolve) => {
        p.child.once('exit', resolve);
        p.child.kill('SIGKILL');
      }),
  };
}

/**
 * Several generator processes as one (the same interface as startGenerator's): for more sockets
 * than one process may hold open (`ulimit -n`).
 */
export async function startGenerators(jobsPerProcess) {
  const gens = await Promise.all(jobsPerProcess.map((jobs) => startGenerator(jobs)));
  return {
    /** One message of `type` from every job of every process (`count` is their number). */
    collect: async (type, count, timeoutMs) => {
      if (count !== jobsPerProcess.flat().length) throw new Error('collect one message per job');
      const parts = await Promise.all(
        gens.map((g, i) => g.collect(type, jobsPerProcess[i].length, timeoutMs)),
      );
      return parts.flat();
    },
    send: (m) => gens.forEach((g) => g.send(m)),
    cpuMs: async () => (await Promise.all(gens.map((g) => g.cpuMs()))).reduce((a, b) => a + b, 0),
    stop: () => Promise.all(gens.map((g) => g.stop())),
  };
}

/** The open-file limit of processes started from here (`ulimit -n`). */
export function openFileLimit() {
  const out = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim();
  return out === 'unlimited' ? Infinity : Number(out);
}
