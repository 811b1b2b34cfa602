import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_BRIDGE } from '../src/engine/engine.tokens.js';
import type { ServiceBridge } from '../src/engine/service-bridge.js';
import { killAll, settle, until } from './support/child.js';
import { freePort } from './support/free-port.js';
import { startHub, type TestHub } from './support/hub.js';
import { redisMissing, startRedis, type TestRedis } from './support/redis.js';
import { describeRequiring } from './support/requirement.js';

const root = join(import.meta.dirname, '..');
/**
 * The Nest CLI 12 and its schematics want Node 22.12 or newer, above this repository's floor
 * (20.19), so they are not its dependencies: .ci/run installs them beside Node 24 and names the
 * CLI here for the suite's Node 24 run (as it does the AsyncAPI tools).
 */
const cli = process.env.NEST_CLI;
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
const cliRuns = major > 22 || (major === 22 && minor >= 12);

interface Project {
  type: 'application' | 'library';
  root: string;
  sourceRoot: string;
  entryFile: string;
  compilerOptions: { tsConfigPath: string };
}
const nestCli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8')) as {
  projects: Record<string, Project>;
};

/**
 * A clean tree: the sources and build settings of the repository without any build output, with
 * this checkout's installed packages (except the workspace's own, which point into the copy).
 */
function cleanTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'owt-nest-'));
  for (const file of ['package.json', 'nest-cli.json', 'tsconfig.base.json', 'tsconfig.build.json'])
    cpSync(join(root, file), join(dir, file));
  cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true });
  for (const project of Object.values(nestCli.projects)) {
    if (project.root === '.') continue;
    mkdirSync(join(dir, project.root), { recursive: true });
    for (const file of ['package.json', 'tsconfig.json'])
      if (existsSync(join(root, project.root, file)))
        cpSync(join(root, project.root, file), join(dir, project.root, file));
    cpSync(join(root, project.sourceRoot), join(dir, project.sourceRoot), { recursive: true });
  }
  mkdirSync(join(dir, 'node_modules', '@orderwire'), { recursive: true });
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry === '@orderwire') continue;
    symlinkSync(join(root, 'node_modules', entry), join(dir, 'node_modules', entry));
  }
  for (const lib of ['contracts', 'realtime', 'client'])
    symlinkSync(join(dir, 'libs', lib), join(dir, 'node_modules', '@orderwire', lib));
  return dir;
}

/**
 * The Nest monorepo (issue #36): nest-cli.json lists every Nest project of the repository, and
 * the Nest CLI builds each from a clean tree and starts the orders service against a hub. The
 * console is a browser app built by esbuild (scripts/build-console.mjs), not a Nest project
 * (docs/development.md).
 */
describe('the Nest monorepo', () => {
  it('nest-cli.json names the hub, the orders service and the three libraries, each with its entry and tsconfig', () => {
    expect(Object.keys(nestCli.projects).sort()).toEqual([
      'client',
      'contracts',
      'hub',
      'orders-service',
      'realtime',
    ]);
    for (const [name, p] of Object.entries(nestCli.projects)) {
      expect([name, existsSync(join(root, p.sourceRoot, `${p.entryFile}.ts`))]).toEqual([name, true]);
      expect([name, existsSync(join(root, p.compilerOptions.tsConfigPath))]).toEqual([name, true]);
    }
  });
});

/** On the floor's Node the CLI does not run at all (its engines): these belong to the Node 24 run. */
const describeCli = (name: string, fn: () => void): void =>
  cliRuns
    ? describeRequiring(
        name,
        cli ? redisMissing() : 'NEST_CLI, the Nest CLI 12 (.ci/run installs it beside Node 24)',
        fn,
      )
    : describe.skip(`${name} [Node ${process.versions.node}: the Nest CLI 12 needs 22.12]`, fn);

describeCli('the Nest CLI builds and starts every project', () => {
  let dir: string;
  let redis: TestRedis;
  let hub: TestHub;
  let service: ChildProcess | undefined;
  beforeAll(async () => {
    dir = cleanTree();
    redis = await startRedis();
  });
  afterAll(async () => {
    if (service) await killAll([service]);
    await hub?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('nest build <project> builds each, libraries first, in a tree without build output', () => {
    for (const name of ['contracts', 'realtime', 'client', 'hub', 'orders-service']) {
      const p = nestCli.projects[name]!;
      const out = spawnSync(process.execPath, [cli!, 'build', name], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect([name, out.status, out.stderr]).toEqual([name, 0, '']);
      const entry = join(dir, p.root === '.' ? '' : p.root, 'dist', `${p.entryFile}.js`);
      expect([name, existsSync(entry)]).toEqual([name, true]);
    }
  }, 300_000);

  it('nest start orders-service runs it against a hub until it reports ready, and it subscribes', async () => {
    const prefix = redis.prefix();
    hub = await startHub({ REDIS_URL: redis.url, REDIS_PREFIX: prefix });
    const port = await freePort();
    service = spawn(process.execPath, [cli!, 'start', 'orders-service'], {
      cwd: dir,
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        REDIS_PREFIX: prefix,
        HEALTH_PORT: String(port),
        NODE_ENV: 'test',
      },
      stdio: 'ignore',
    });
    await settle(
      'the orders service to report ready',
      async () =>
        (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status === 200,
      60_000,
    );
    const bridge = hub.app.get<ServiceBridge>(SERVICE_BRIDGE);
    await until(() => bridge.hasSubscribers('order.place'), 10_000, 'the hub to see its subscription');
  }, 120_000);
});
