// Real processes for the chaos cases: a redis-server with an append-only file (so that a
// restart keeps what it acknowledged, as a production Redis for the hub must), hub nodes built
// from dist/ in production mode, and a load balancer in front of them. Loopback only.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BENCH_SECRET } from '../../bench/load/clients.mjs';
import { startProxy } from './proxy.mjs';
import { sleep, until } from './wait.mjs';

// This run's secrets: the hubs run in production, which refuses any value the repository ships.
export const CHAOS_SECRET = BENCH_SECRET;
export const METRICS_TOKEN = randomBytes(24).toString('hex');

export function freePort() {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

export function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) / 1024;
}

async function waitFor(what, check, timeoutMs = 20_000) {
  if (!(await until(check, timeoutMs))) throw new Error(`timed out waiting for ${what}`);
}

const answers = async (url) => {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
};

/** A redis-server that can be stopped and started again on the same port with its data. */
export async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'orderwire-chaos-redis-'));
  let proc;
  const up = async () => {
    proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
      ],
      { stdio: 'ignore' },
    );
    const { Redis } = await import('ioredis');
    await waitFor('redis-server', async () => {
      const probe = new Redis(`redis://127.0.0.1:${port}`, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        return true;
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    });
  };
  const down = () =>
    new Promise((ok) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return ok();
      proc.once('exit', () => ok());
      proc.kill('SIGTERM');
    });
  await up();
  return {
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return proc.pid;
    },
    /** Stops Redis (it writes its append-only file on the way out) and starts it again after `gapMs`. */
    async restart(gapMs) {
      await down();
      await sleep(gapMs);
      await up();
    },
    async stop() {
      await down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One hub node: `node dist/main.js` in production mode, on its own port. */
export async function startNode(name, env) {
  const port = await freePort();
  const proc = spawn(process.execPath, [resolve('dist/main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ID: name,
      JWT_SECRET: CHAOS_SECRET,
      CORS_ORIGINS: '*',
      METRICS_TOKEN,
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'error',
      WS_TRANSPORTS: 'websocket',
      // Every client reaches the hub through the one load balancer, so from one address.
      HANDSHAKES_PER_IP_PER_SECOND: '1000000',
      RAW_SESSIONS_PER_IP: '1000000',
      RATE_PUBLISH_PER_SECOND: '1000000',
      RATE_PUBLISH_BURST: '1000000',
      SESSIONS_PER_TENANT: '1000000',
      MAX_ACTIVE_ORDERS_PER_TENANT: '1000000',
      ORDER_ACCEPT_SLA_SECONDS: '3600',
      // The one courier stands in for a restaurant's whole crew (every order's five steps).
      RATE_COMMANDS_PER_SECOND: '500',
      RATE_COMMAND_BURST: '500',
      RATE_USER_COMMANDS_PER_SECOND: '500',
      RATE_USER_COMMAND_BURST: '500',
      RATE_COURIER_PER_SECOND: '500',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${name} to be ready`, () => answers(`${url}/health/ready`), 30_000);
  return {
    name,
    port,
    url,
    pid: proc.pid,
    kill: () =>
      new Promise((ok) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return ok();
        proc.once('exit', () => ok());
        proc.kill('SIGKILL');
      }),
  };
}

/** Redis, `nodes` hub nodes on it (redis engine) and a load balancer: `{ url, proxy, nodes, redis, stop }`. */
export async function startCluster({ nodes = 2, env = {} } = {}) {
  const redis = await startRedis();
  const prefix = `chaos${Date.now().toString(36)}`;
  const hubs = [];
  for (let i = 1; i <= nodes; i++) {
    hubs.push(await startNode(`node-${i}`, { REDIS_URL: redis.url, REDIS_PREFIX: prefix, ...env }));
  }
  const proxy = await startProxy(hubs.map((h) => h.port));
  return {
    url: `http://127.0.0.1:${proxy.port}`,
    proxy,
    nodes: hubs,
    redis,
    async stop() {
      await proxy.close();
      await Promise.all(hubs.map((h) => h.kill()));
      await redis.stop();
    },
  };
}
