import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { io } from 'socket.io-client';
import { type Child, startChild, until } from './support/child.js';
import { connect, refused, sampleOrder } from './support/client.js';
import { freePort } from './support/free-port.js';
import type { TestHub } from './support/hub.js';
import { describeRedis, startRedis } from './support/redis.js';
import { TEST_SECRET } from './support/tokens.js';

const MAIN = new URL('../dist/main.js', import.meta.url).pathname;
const ORDERS_MAIN = new URL('../apps/orders-service/dist/main.js', import.meta.url).pathname;
const STUCK = new URL('./fixtures/stuck-shutdown.mjs', import.meta.url).pathname;

/** The built hub as a child process on a free port; resolves once it listens. */
async function startBuiltHub(env: Record<string, string> = {}): Promise<{ child: Child; hub: TestHub }> {
  expect(existsSync(MAIN)).toBe(true); // `npm test` builds first (pretest)
  const port = await freePort();
  const child = await startChild(
    MAIN,
    {
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: TEST_SECRET,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      ...env,
    },
    'orderwire hub ready on',
  );
  const hub = { url: `http://127.0.0.1:${port}`, config: { ws: { path: '/ws' } } } as TestHub;
  return { child, hub };
}

describe('graceful shutdown (the built hub as a child process)', () => {
  it('on SIGTERM sends system.shutdown, finishes in-flight work, stops accepting and exits 0', async () => {
    const { child, hub } = await startBuiltHub({ SHUTDOWN_RECONNECT_IN_MS: '1500' });
    const crew = await connect(hub, 'crew', 'k-1');
    const customer = await connect(hub, 'customer', 'c-1');

    const shutdownSeen = crew.next('system.shutdown');
    const crewGone = crew.waitDisconnect(10000);
    const customerGone = customer.waitDisconnect(10000);
    // A command in flight as the signal lands still gets its answer.
    const placed = customer.cmd('order.place', sampleOrder());
    child.proc.kill('SIGTERM');
    expect((await placed).ok).toBe(true);
    const shutdown = await shutdownSeen;
    expect(shutdown.data).toEqual({ reconnectInMs: 1500 });
    expect(await crewGone).toBe('io server disconnect');
    expect(await customerGone).toBe('io server disconnect');
    expect(customer.of('system.shutdown')).toHaveLength(1);

    expect((await child.exited).code).toBe(0);
    expect(child.output()).toContain('draining');
    expect(child.output()).toContain('drained');
    // Nothing accepts connections any more.
    const late = io(`${hub.url}/crew`, {
      path: '/ws',
      transports: ['websocket'],
      reconnection: false,
      auth: {},
    });
    await expect(
      new Promise((resolve, reject) => {
        late.once('connect', () => resolve('connected'));
        late.once('connect_error', reject);
      }),
    ).rejects.toBeDefined();
    late.close();
  }, 30000);

  it('a draining in-process hub refuses new handshakes', async () => {
    const { startHub } = await import('./support/hub.js');
    const { DrainState } = await import('../src/util/drain.state.js');
    const hub = await startHub();
    hub.app.get(DrainState).draining = true;
    expect((await refused(hub, 'crew', 'k-1')).code).toBe('TOO_MANY_CONNECTIONS');
    const ready = await fetch(`${hub.url}/health/ready`);
    expect(ready.status).toBe(503);
    await hub.close();
  });

  it('a shutdown that hangs ends at its bound, and a second signal ends it at once (exit 1)', async () => {
    const bounded = await startChild(STUCK, { BOUND_MS: '800' }, 'ready');
    const t0 = Date.now();
    bounded.proc.kill('SIGTERM');
    const first = await bounded.exited;
    expect(first.code).toBe(1);
    expect(first.at - t0).toBeGreaterThanOrEqual(700);
    expect(first.at - t0).toBeLessThan(3000);
    expect(bounded.output()).toContain('shutdown did not finish within its bound');

    const twice = await startChild(STUCK, { BOUND_MS: '60000' }, 'ready');
    twice.proc.kill('SIGTERM');
    await until(() => twice.output().includes('stuck in shutdown'), 5000, 'the shutdown to start');
    const t1 = Date.now();
    twice.proc.kill('SIGINT');
    const second = await twice.exited;
    expect(second.code).toBe(1);
    expect(second.at - t1).toBeLessThan(1000);
    expect(twice.output()).toContain('second signal during shutdown: exiting at once');
  }, 20000);
});

describeRedis('shutdown while Redis is gone', () => {
  const GRACE_MS = 3000;

  it('the hub still drains: system.shutdown to its client, exit 0 within SHUTDOWN_GRACE_MS + 1 s', async () => {
    const redis = await startRedis();
    const { child, hub } = await startBuiltHub({
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix(),
      NODE_ENV: 'production',
      CORS_ORIGINS: 'http://console.test',
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
    });
    try {
      const crew = await connect(hub, 'crew', 'k-1');
      await redis.kill();
      await until(() => child.output().includes('dependency down'), 10000, 'the hub to notice Redis is gone');
      expect(crew.socket.connected).toBe(true);
      // The connection survived Redis going away (one killed between its board and its menu was
      // dropped: connection.service.ts's sendMenu); the shutdown is waited for from SIGTERM on.
      const shutdownSeen = crew.next('system.shutdown', () => true, GRACE_MS + 1000);
      const gone = crew.waitDisconnect(GRACE_MS + 1000);

      const t0 = Date.now();
      child.proc.kill('SIGTERM');
      expect((await shutdownSeen).type).toBe('system.shutdown');
      expect(await gone).toBe('io server disconnect');
      const { code, at } = await child.exited;
      expect(code).toBe(0);
      expect(at - t0).toBeLessThan(GRACE_MS + 1000);
      const out = child.output();
      expect(out).toContain('draining');
      expect(out).toContain('drained');
      expect(out).toContain('redis connections force-closed at shutdown');
      expect(out).toContain('shutdown complete');
    } finally {
      child.proc.kill('SIGKILL');
      await redis.stop();
    }
  }, 40000);

  it('the orders service (RealtimeModule over Redis) answers its probes, and exits 0 within its bound', async () => {
    expect(existsSync(ORDERS_MAIN)).toBe(true);
    const redis = await startRedis();
    const healthPort = await freePort();
    const child = await startChild(
      ORDERS_MAIN,
      { REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix(), HEALTH_PORT: String(healthPort) },
      'listening for client commands',
    );
    try {
      // The probes the Kubernetes manifests point at (deploy/k8s/orders-service.yaml).
      for (const path of ['/health/live', '/health/ready'])
        expect((await fetch(`http://127.0.0.1:${healthPort}${path}`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${healthPort}/other`)).status).toBe(404);
      await redis.kill();
      await new Promise((r) => setTimeout(r, 1500)); // its workers are now retrying a dead Redis
      const t0 = Date.now();
      child.proc.kill('SIGTERM');
      const { code, at } = await child.exited;
      expect(code).toBe(0);
      expect(at - t0).toBeLessThan(3000); // its close budget (2 s) and a margin; in practice forced at once
      expect(child.output()).toContain('shutdown complete');
    } finally {
      child.proc.kill('SIGKILL');
      await redis.stop();
    }
  }, 30000);
});
