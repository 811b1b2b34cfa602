import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { killAll, settle } from './child.js';
import { freePort } from './free-port.js';

/** A primary, a replica and one sentinel watching them, all private redis-servers on free ports. */
export interface TestSentinel {
  /** `redis+sentinel://127.0.0.1:<sentinel port>/<name>` */
  url: string;
  name: string;
  /** The port of the current primary, as the sentinel reports it. */
  primaryPort(): Promise<number>;
  /** A client of the instance on `port`. */
  client(port: number): Redis;
  /** A manual failover (SENTINEL FAILOVER): returns once the sentinel names the replica and it is primary. */
  failover(): Promise<{ from: number; to: number }>;
  /** Pub/sub connections the sentinel has open (clients' failover detectors). */
  subscribers(): Promise<number>;
  stop(): Promise<void>;
}

/** Why the sentinel suites cannot run here, or undefined when they can. */
export function sentinelMissing(): string | undefined {
  if (!spawnSync('redis-server', ['--version']).error) return undefined;
  return 'redis-server is not on the PATH (apt-get install redis-server): this suite starts a primary, a replica and a sentinel';
}

export async function startSentinel(name = 'orders'): Promise<TestSentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'owt-sentinel-'));
  const children: ChildProcess[] = [];
  const server = (args: string[]): void => {
    const child = spawn('redis-server', args, { stdio: 'ignore', cwd: dir });
    children.push(child);
  };
  const clients = new Map<number, Redis>();
  const client = (port: number): Redis => {
    let c = clients.get(port);
    if (!c) {
      c = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
      c.on('error', () => undefined);
      clients.set(port, c);
    }
    return c;
  };
  const [primary, replica, sentinelPort] = [await freePort(), await freePort(), await freePort()];
  const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
  server(['--port', String(primary), ...common]);
  server(['--port', String(replica), ...common, '--replicaof', '127.0.0.1', String(primary)]);
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${sentinelPort}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${primary} 1`,
      `sentinel down-after-milliseconds ${name} 2000`,
      `sentinel failover-timeout ${name} 10000`,
      '',
    ].join('\n'),
  );
  server([conf, '--sentinel', '--loglevel', 'warning']);
  const sentinel = client(sentinelPort);
  const primaryPort = async (): Promise<number> => {
    const [, port] = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string];
    return Number(port);
  };
  const role = async (port: number): Promise<unknown[]> => (await client(port).call('ROLE')) as unknown[];
  // Ready: the replica in sync, and the sentinel knows of it.
  await settle('the replica to sync', async () =>
    /master_link_status:up/.test(await client(replica).info('replication')),
  );
  await settle('the sentinel to see the replica', async () => {
    const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', name)) as unknown[];
    return replicas.length === 1;
  });
  return {
    url: `redis+sentinel://127.0.0.1:${sentinelPort}/${name}`,
    name,
    primaryPort,
    client,
    async failover() {
      const from = await primaryPort();
      const to = from === primary ? replica : primary;
      // Nothing acknowledged may be lost in the test's failover: wait until the replica has it all.
      const offset = async (port: number): Promise<number> =>
        Number(/master_repl_offset:(\d+)/.exec(await client(port).info('replication'))![1]);
      await settle('the replica to catch up', async () => (await offset(to)) >= (await offset(from)));
      await sentinel.call('SENTINEL', 'FAILOVER', name);
      await settle('the failover', async () => (await primaryPort()) === to);
      await settle('the new primary', async () => (await role(to))[0] === 'master');
      // Not waiting for the old primary to become a replica: Sentinel does that when it next looks
      // at it (seconds later), and clients must not write to it meanwhile (failoverDetector).
      return { from, to };
    },
    async subscribers() {
      const list = (await sentinel.call('CLIENT', 'LIST')) as string;
      return list.split('\n').filter((line) => / sub=[1-9]/.test(line)).length;
    },
    async stop() {
      for (const c of clients.values()) c.disconnect();
      await killAll(children);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
