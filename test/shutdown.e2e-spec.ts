import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { io } from 'socket.io-client';
import { connect, refused, sampleOrder } from './support/client.js';
import { freePort } from './support/free-port.js';
import type { TestHub } from './support/hub.js';
import { TEST_SECRET } from './support/tokens.js';

const MAIN = new URL('../dist/main.js', import.meta.url).pathname;

describe('graceful shutdown (the built hub as a child process)', () => {
  it('on SIGTERM sends system.shutdown, finishes in-flight work, stops accepting and exits 0', async () => {
    expect(existsSync(MAIN)).toBe(true); // `npm test` builds first (pretest)
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        JWT_SECRET: TEST_SECRET,
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        SHUTDOWN_RECONNECT_IN_MS: '1500',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the hub did not start:\n${output}`)), 15000);
      child.stdout.on('data', () => {
        if (output.includes('orderwire hub listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const hub = { url: `http://127.0.0.1:${port}`, config: { ws: { path: '/ws' } } } as TestHub;
    const crew = await connect(hub, 'crew', 'k-1');
    const customer = await connect(hub, 'customer', 'c-1');

    const shutdownSeen = crew.next('system.shutdown');
    const crewGone = crew.waitDisconnect(10000);
    const customerGone = customer.waitDisconnect(10000);
    // A command in flight as the signal lands still gets its answer.
    const placed = customer.cmd('order.place', sampleOrder());
    child.kill('SIGTERM');
    expect((await placed).ok).toBe(true);
    const shutdown = await shutdownSeen;
    expect(shutdown.data).toEqual({ reconnectInMs: 1500 });
    expect(await crewGone).toBe('io server disconnect');
    expect(await customerGone).toBe('io server disconnect');
    expect(customer.of('system.shutdown')).toHaveLength(1);

    expect(await exited).toBe(0);
    expect(output).toContain('draining');
    expect(output).toContain('drained');
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
    const { DrainState } = await import('../src/common/drain.state.js');
    const hub = await startHub();
    hub.app.get(DrainState).draining = true;
    expect((await refused(hub, 'crew', 'k-1')).code).toBe('TOO_MANY_CONNECTIONS');
    const ready = await fetch(`${hub.url}/health/ready`);
    expect(ready.status).toBe(503);
    await hub.close();
  });
});
