import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { IOREDIS_PIN, coalesceWrites } from '../../src/engine/redis/coalesced-writes.js';
import { describeRedis, startRedis, type TestRedis } from '../support/redis.js';

describe('ioredis pin', () => {
  it('loads and pins exactly the version whose connection coalesceWrites reaches into', () => {
    const require = createRequire(import.meta.url);
    const main = require.resolve('ioredis'); // <root>/built/index.js
    const installed = JSON.parse(readFileSync(main.replace(/built\/index\.js$/, 'package.json'), 'utf8')) as {
      version: string;
    };
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect({ ioredis: installed.version }).toEqual(IOREDIS_PIN);
    expect(pkg.dependencies.ioredis).toBe(IOREDIS_PIN.ioredis);
  });
});

/** Counts the writes that reach the socket's system calls (one `_writev` for a corked batch). */
function countWrites(client: Redis): { writes: number } {
  const stream = client.stream as Socket & {
    _write: (...a: unknown[]) => void;
    _writev?: (...a: unknown[]) => void;
  };
  const counter = { writes: 0 };
  const write = stream._write;
  const writev = stream._writev;
  stream._write = function (...a: unknown[]) {
    counter.writes++;
    return write.apply(this, a);
  };
  if (writev) {
    stream._writev = function (...a: unknown[]) {
      counter.writes++;
      return writev.apply(this, a);
    };
  }
  return counter;
}

const ready = (client: Redis) =>
  client.status === 'ready' ? Promise.resolve() : new Promise((r) => client.once('ready', r));

describeRedis('coalesceWrites: a turn’s commands in one write', () => {
  let redis: TestRedis;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(() => client?.disconnect());
  afterAll(async () => {
    await redis?.stop();
  });

  const make = async () => {
    client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    coalesceWrites(client);
    await ready(client);
    return client;
  };

  it('writes 200 commands of one turn with one system call, in order, every reply right', async () => {
    const c = await make();
    const key = `${redis.prefix()}:n`;
    const counter = countWrites(c);
    const replies = await Promise.all(Array.from({ length: 200 }, () => c.incr(key)));
    expect(replies).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(counter.writes).toBe(1);
  });

  it('holds nothing back: a lone command goes out at the end of its turn, and each turn writes once', async () => {
    const c = await make();
    const counter = countWrites(c);
    for (let i = 0; i < 5; i++) expect(await c.ping()).toBe('PONG');
    expect(counter.writes).toBe(5);
  });

  it('keeps coalescing on the connection made after a reconnect', async () => {
    const c = await make();
    const first = c.stream;
    c.disconnect(true); // reconnect
    await new Promise((r) => c.once('ready', r));
    expect(c.stream).not.toBe(first);
    const counter = countWrites(c);
    const key = `${redis.prefix()}:m`;
    await Promise.all(Array.from({ length: 50 }, (_, i) => c.set(`${key}:${i}`, String(i))));
    expect(counter.writes).toBe(1);
    expect(await c.mget(`${key}:0`, `${key}:49`)).toEqual(['0', '49']);
  });
});
