import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { bindScripts } from '../../src/engine/redis/lua-scripts.js';
import { describeRedis, startRedis, type TestRedis } from '../support/redis.js';

const ECHO = `return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}`;

describeRedis('bindScripts: Lua scripts called by SHA', () => {
  let redis: TestRedis;
  let client: Redis;
  let watcher: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    watcher = new Redis(redis.url);
  });
  afterAll(async () => {
    client.disconnect();
    watcher.disconnect();
    await redis.stop();
  });

  /** The commands `client` sent while `work` ran, as Redis saw them (MONITOR). */
  async function sent(work: () => Promise<unknown>): Promise<string[]> {
    const monitor = await watcher.monitor();
    const lines: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => lines.push(args[0]!.toLowerCase()));
    await work();
    await new Promise((r) => setTimeout(r, 50));
    monitor.disconnect();
    return lines.filter((c) => c === 'eval' || c === 'evalsha');
  }

  it('sends the script text once, then only its SHA; again after Redis forgot it (NOSCRIPT)', async () => {
    const key = `${redis.prefix()}:n`;
    const { echo } = bindScripts(client, { echo: ECHO });
    const first = await sent(async () => {
      expect(await echo(1, key, 'a')).toEqual([key, 'a', 1]);
      expect(await echo(1, key, 'b')).toEqual([key, 'b', 2]);
      expect(await echo(1, key, 'c')).toEqual([key, 'c', 3]);
    });
    expect(first).toEqual(['eval', 'evalsha', 'evalsha']);
    // A restarted or flushed Redis has no scripts: the call still succeeds, by sending the text.
    await client.script('FLUSH');
    expect(await echo(1, key, 'd')).toEqual([key, 'd', 4]);
    expect(await echo(1, key, 'e')).toEqual([key, 'e', 5]);
  });

  it('binds a name once per client and refuses another script under the same name', () => {
    const a = bindScripts(client, { same: ECHO });
    const b = bindScripts(client, { same: ECHO });
    expect(typeof a.same).toBe('function');
    expect(typeof b.same).toBe('function');
    expect(() => bindScripts(client, { same: 'return 1' })).toThrow(
      'a different script is bound as orderwire_same',
    );
  });

  it('passes a script error through as a rejection', async () => {
    const { fails } = bindScripts(client, { fails: `return redis.error_reply('no such thing')` });
    await expect(fails(0)).rejects.toThrow('no such thing');
  });
});

describe('bindScripts without Redis', () => {
  it('binds lazily: defining a script sends nothing (the client may not be connected yet)', () => {
    const offline = new Redis({ lazyConnect: true, enableOfflineQueue: false });
    const { lazy } = bindScripts(offline, { lazy: 'return 1' });
    expect(typeof lazy).toBe('function');
    expect(offline.status).toBe('wait');
    offline.disconnect();
  });
});
