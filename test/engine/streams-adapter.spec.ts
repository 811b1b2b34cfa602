import { afterAll, afterEach, beforeAll, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { StreamsAdapter } from '../../src/engine/redis/streams-adapter.js';
import { describeRedis, startRedis, type TestRedis } from '../support/redis.js';

describeRedis('StreamsAdapter: the adapter’s connections end with the engine', () => {
  let redis: TestRedis;
  let probe: Redis | undefined;
  const open: Array<{ io?: Server; streams: StreamsAdapter }> = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const { io, streams } of open.splice(0)) {
      await io?.close();
      streams.endDuplicates();
      streams.client.disconnect();
    }
    probe?.disconnect();
    probe = undefined;
  });
  afterAll(() => redis.stop());

  /** The connections Redis has under this name (duplicates keep their parent's name). */
  async function connections(name: string): Promise<number> {
    probe ??= new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const list = (await probe.client('LIST')) as string;
    return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
  }

  async function settle(name: string, expected: number, ms = 1000): Promise<number> {
    const end = Date.now() + ms;
    let n = await connections(name);
    while (n !== expected && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 25));
      n = await connections(name);
    }
    return n;
  }

  function make(): { name: string; streams: StreamsAdapter; serve: () => Server } {
    const name = `${redis.prefix()}:n1:adapter`;
    const streams = new StreamsAdapter(
      redis.url,
      { connectionName: name, retryStrategy: (times) => Math.min(200 * times, 500) },
      { streamName: `${name}:socket.io`, channelPrefix: `${name}:socket.io` },
    );
    const entry: { io?: Server; streams: StreamsAdapter } = { streams };
    open.push(entry);
    // Attached to an HTTP server that never listens: the namespaces and the engine, no port.
    const serve = (): Server =>
      (entry.io = new Server(createServer(), { adapter: streams.factory as never }));
    return { name, streams, serve };
  }

  it('opens its polling and pub/sub connections on the first namespace, not before', async () => {
    const { name, serve } = make();
    expect(await settle(name, 1)).toBe(1); // the client itself
    serve(); // the main namespace gets its adapter
    expect(await settle(name, 3)).toBe(3);
  });

  it('ends them at once after the namespaces closed (the 0.3 adapter alone waits out its 5 s XREAD)', async () => {
    const { name, streams, serve } = make();
    const io = serve();
    io.of('/customer');
    expect(await settle(name, 3)).toBe(3);
    expect(streams.endDuplicates()).toBe(false); // namespaces still open: left alone
    await new Promise((r) => setTimeout(r, 100));
    expect(await connections(name)).toBe(3);
    await io.close();
    expect(streams.endDuplicates()).toBe(true);
    streams.client.disconnect();
    expect(await settle(name, 0, 1000)).toBe(0);
  });

  it('a Redis that went away and came back sees none of them reconnect', async () => {
    if (!redis.owned) throw new Error('this test needs a private redis-server it can kill');
    const { name, streams, serve } = make();
    const io = serve();
    expect(await settle(name, 3)).toBe(3);
    probe?.disconnect();
    probe = undefined;
    await redis.kill();
    await io.close();
    expect(streams.endDuplicates()).toBe(true);
    streams.client.disconnect();
    await redis.start();
    // Past the clients' retry delay (at most 500 ms here): anything that would reconnect has.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await connections(name)).toBe(0);
  });
});
