import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { killAll, settle } from './child.js';
import { describeRequiring } from './requirement.js';

/**
 * A Redis Cluster for the tests: `primaries` redis-servers (and `replicas` per primary) with
 * `--cluster-enabled yes` on free loopback ports, joined by `redis-cli --cluster create`. Each
 * node's cluster bus listens on its port + 10000, so both are checked free. Measured here: about
 * 13 MB of RSS per idle node; 3 primaries and 3 replicas formed in 2.2 s (3 primaries: about 1 s).
 */
export interface TestRedisCluster {
  /** `redis+cluster://127.0.0.1:<p1>,…` (every primary as a seed). */
  url: string;
  ports: number[];
  /** A fresh key prefix, so that suites sharing one cluster never see each other's keys. */
  prefix(): string;
  /** Who serves the slot now: the primary's port and its replicas' (CLUSTER SHARDS, asked of any live node). */
  shardOf(slot: number): Promise<{ primary: number; replicas: number[] }>;
  /** Kills the node on `port` at once (SIGKILL), as a crash would. */
  kill(port: number): Promise<void>;
  /** `CLUSTER FAILOVER` on a replica: it takes over from its primary, which has handed it everything. */
  failover(replicaPort: number): Promise<void>;
  stop(): Promise<void>;
}

function has(tool: string): boolean {
  return !spawnSync(tool, ['--version']).error;
}

/** Why cluster suites cannot run here, or undefined when they can. */
export function redisClusterMissing(): string | undefined {
  if (has('redis-server') && has('redis-cli')) return undefined;
  return 'redis-server and redis-cli are needed on the PATH for a Redis Cluster (apt-get install redis-server)';
}

/** `describe` for suites that need a Redis Cluster (see describeRequiring). */
export function describeRedisCluster(name: string, fn: () => void): void {
  describeRequiring(name, redisClusterMissing(), fn);
}

const isFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/**
 * Ports in 11000-18999 whose bus ports (+10000: 21000-28999) are free too: below the kernel's
 * ephemeral range, so an outgoing connection cannot take one while the cluster runs.
 */
async function clusterPorts(count: number): Promise<number[]> {
  const band = 11_000 + (Number(process.env.JEST_WORKER_ID ?? 0) % 8) * 1000;
  const ports: number[] = [];
  for (let tries = 0; ports.length < count && tries < 500; tries++) {
    const port = band + Math.floor(Math.random() * 1000);
    if (ports.includes(port)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) ports.push(port);
  }
  if (ports.length < count) throw new Error('no free ports for a Redis Cluster');
  return ports;
}

/** `ask` of a one-off connection to the node on `port` (no retries: a node still starting fails). */
async function probe<T>(port: number, ask: (node: Redis) => Promise<T>): Promise<T> {
  const node = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await node.connect();
    return await ask(node);
  } finally {
    node.disconnect();
  }
}

export async function startRedisCluster(primaries = 3, replicas = 0): Promise<TestRedisCluster> {
  const ports = await clusterPorts(primaries * (1 + replicas));
  const dir = mkdtempSync(join(tmpdir(), 'owt-cluster-'));
  const children: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '2000',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: 'ignore' },
    ),
  );
  const stop = async (): Promise<void> => {
    await killAll(children);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ping = (port: number) => probe(port, async (node) => (await node.ping()) === 'PONG');
    await Promise.all(ports.map((p) => settle(`Redis Cluster node ${p} to answer`, () => ping(p), 20_000)));
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (create.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    const info = (port: number) =>
      probe(port, async (node) => {
        const text = (await node.call('CLUSTER', 'INFO')) as string;
        return (
          /cluster_state:ok/.test(text) &&
          /cluster_slots_ok:16384/.test(text) &&
          new RegExp(`cluster_known_nodes:${ports.length}\\b`).test(text)
        );
      });
    await Promise.all(
      ports.map((p) => settle(`Redis Cluster node ${p} to see the whole cluster`, () => info(p), 20_000)),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const alive = (port: number) => {
    const c = children[ports.indexOf(port)];
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  };
  return {
    url: `redis+cluster://${ports
      .slice(0, primaries)
      .map((p) => `127.0.0.1:${p}`)
      .join(',')}`,
    ports,
    prefix: () => `owt-${randomBytes(4).toString('hex')}`,
    async shardOf(slot) {
      // CLUSTER SLOTS: [from, to, [host, port, id] of the primary, then of each replica].
      const ranges = (await probe(ports.find(alive)!, (n) => n.call('CLUSTER', 'SLOTS'))) as Array<
        [number, number, ...Array<[string, number, string]>]
      >;
      const range = ranges.find(([from, to]) => from <= slot && slot <= to);
      if (!range) throw new Error(`no node serves slot ${slot}`);
      const [, , primary, ...replicas] = range;
      return { primary: primary[1], replicas: replicas.map((r) => r[1]) };
    },
    kill: (port) => killAll([children[ports.indexOf(port)]!]),
    async failover(replicaPort) {
      await probe(replicaPort, (n) => n.call('CLUSTER', 'FAILOVER'));
    },
    stop,
  };
}
