import { afterAll, beforeAll } from '@jest/globals';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { restartablePort } from './free-port.js';
import { describeRequiring } from './requirement.js';

/** A Redis for the tests: a private `redis-server` on a free port, or the one named by REDIS_URL. */
export interface TestRedis {
  url: string;
  /** Whether this process owns the server (and so can kill and restart it). */
  owned: boolean;
  /** A fresh key prefix, so that suites sharing one Redis never see each other's keys. */
  prefix(): string;
  /** Kills the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing is answered; `resume` thaws it. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

function hasRedisServer(): boolean {
  return !spawnSync('redis-server', ['--version']).error;
}

/** Why Redis suites cannot run here, or undefined when they can. */
export function redisMissing(): string | undefined {
  if (hasRedisServer() || process.env.REDIS_URL) return undefined;
  return 'redis-server is not on the PATH and REDIS_URL is unset (apt-get install redis-server)';
}

/** `describe` for suites that need Redis (see describeRequiring). */
export function describeRedis(name: string, fn: () => void): void {
  describeRequiring(name, redisMissing(), fn);
}

export async function startRedis(): Promise<TestRedis> {
  const prefix = () => `owt-${randomBytes(4).toString('hex')}`;
  if (!hasRedisServer()) {
    const url = process.env.REDIS_URL!;
    const external = async () => {
      throw new Error('cannot kill or restart a Redis named by REDIS_URL');
    };
    const cannot = () => {
      throw new Error('cannot freeze a Redis named by REDIS_URL');
    };
    return {
      url,
      owned: false,
      prefix,
      kill: external,
      start: external,
      pause: cannot,
      resume: cannot,
      stop: async () => {},
    };
  }
  const port = await restartablePort();
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(port, '127.0.0.1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      try {
        await probe.connect();
        // Ours, not another process that took the port while this one was down.
        const pid = /process_id:(\d+)/.exec(await probe.info('server'))?.[1];
        probe.disconnect();
        if (Number(pid) === child?.pid) return;
      } catch {
        probe.disconnect();
      }
      if (child.exitCode !== null) throw new Error(`redis-server exited: is port ${port} taken?`);
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return; // not running, or already killed
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  const signal = (name: 'SIGSTOP' | 'SIGCONT') => () => void child?.kill(name);
  const pause = signal('SIGSTOP');
  const resume = signal('SIGCONT');
  // A frozen server is thawed before it is killed, so that it can exit.
  const stop = async (): Promise<void> => {
    resume();
    await kill();
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, owned: true, prefix, kill, start, pause, resume, stop };
}

/**
 * Runs `suite` on the memory engine, then on the redis engine (one test Redis, a fresh prefix),
 * followed by the `redisOnly` tests (several nodes, say) with that Redis.
 */
export function describeEngines(
  name: string,
  suite: (engine: 'memory' | 'redis', env: () => Record<string, string>) => void,
  redisOnly?: (redis: () => TestRedis) => void,
): void {
  suite('memory', () => ({}));
  describeRedis(`${name} on the redis engine`, () => {
    let redis: TestRedis;
    let prefix = '';
    beforeAll(async () => {
      redis = await startRedis();
      prefix = redis.prefix();
    });
    afterAll(() => redis?.stop());
    suite('redis', () => ({ REDIS_URL: redis.url, REDIS_PREFIX: prefix }));
    redisOnly?.(() => redis);
  });
}
