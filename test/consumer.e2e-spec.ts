import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { SERVICE_BRIDGE } from '../src/engine/engine.tokens.js';
import type { ServiceBridge } from '../src/engine/service-bridge.js';
import { startHub, type TestHub } from './support/hub.js';
import { type Consumer, outside } from './support/outside.mjs';
import { describeRedis, startRedis, type TestRedis } from './support/redis.js';
import { mintToken } from './support/tokens.js';

const run = promisify(execFile);
const LIBS = ['contracts', 'realtime', 'client'] as const;

/**
 * Adoption from outside the repository (issue #13): the three libraries are packed as npm would
 * publish them, a project in the system's temp folder installs the tarballs (and nothing of this
 * repository; made by support/outside.mjs), compiles a Nest service that injects Broadcaster and handles order.place, and a
 * customer script on the packed SDK; both then run against a hub with the redis engine.
 */
describeRedis('the packed libraries, used from a project outside the repository', () => {
  let redis: TestRedis;
  let hub: TestHub;
  let dir: string;
  let packed: Consumer['packed'];
  let service: ChildProcess | undefined;
  let prefix: string;
  let installLog: string;
  beforeAll(async () => {
    ({ dir, packed, installLog } = await outside('consumer'));
    redis = await startRedis();
    prefix = redis.prefix();
    hub = await startHub({ REDIS_URL: redis.url, REDIS_PREFIX: prefix });
  }, 120_000);
  afterAll(async () => {
    service?.kill('SIGKILL');
    await hub?.close();
    await redis?.stop();
  });

  it('npm pack ships built code, types, a README and the LICENSE; no tests, no build state', () => {
    for (const lib of LIBS) {
      const files = packed.find((p) => p.name === `@orderwire/${lib}`)!.files;
      expect(files).toEqual(
        expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']),
      );
      expect(files.filter((f) => f.endsWith('.spec.ts') || f.includes('tsbuildinfo'))).toEqual([]);
    }
    const client = packed.find((p) => p.name === '@orderwire/client')!.files;
    expect(client).toContain('dist/orderwire.js'); // the browser bundle, `@orderwire/client/browser`
  });

  it('installs without engine warnings, compiles, and its service handles order.place and publishes to the customer', async () => {
    expect(installLog).not.toContain('EBADENGINE');

    const env = { ...process.env, REDIS_URL: redis.url, REDIS_PREFIX: prefix, NODE_OPTIONS: '' };
    service = spawn(process.execPath, ['dist/service.js'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    service.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    service.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const bridge = hub.app.get<ServiceBridge>(SERVICE_BRIDGE);
    const deadline = Date.now() + 20_000;
    while (!(output.includes('consumer ready') && bridge.hasSubscribers('order.place'))) {
      if (Date.now() > deadline) throw new Error(`the consumer service did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    const token = mintToken({ sub: 'c-outside', role: 'customer', tenantId: 'r-1' });
    const customer = await run(process.execPath, ['dist/customer.js'], {
      cwd: dir,
      env: { ...env, HUB_URL: hub.url, TOKEN: token },
      timeout: 20_000,
    });
    const result = JSON.parse(customer.stdout.trim().split('\n').pop()!) as {
      reply: { orderId: string; orderNumber: string; total: number };
      heard: string;
    };
    expect(result.reply).toMatchObject({ orderNumber: 'A-001', total: 1700, status: 'placed' });
    expect(result.heard).toBe('kitchen has A-001 (1700 EUR)');
    expect(output).toContain('Kitchen.onPlace handles order.place'); // its logs, through Nest's logger
  }, 240_000);
});
