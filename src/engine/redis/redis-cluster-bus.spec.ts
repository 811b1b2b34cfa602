import { afterAll, afterEach, beforeAll, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { until } from '../../../test/support/child.js';
import { describeRedis, startRedis, type TestRedis } from '../../../test/support/redis.js';
import {
  AdapterClusterBus,
  type BusChannel,
  type ClusterBus,
  type FanoutMessage,
  UpgradeClusterBus,
} from '../cluster-bus.js';
import { RedisClusterBus } from './redis-cluster-bus.js';
import { Sealer } from './sealer.js';

const message = (id: string): FanoutMessage =>
  ({
    envelope: { id, type: 'order.created', data: { order: { notes: `secret-note-${id}` } } },
    targets: { crew: ['t:r-1'] },
    publishedAt: 1,
  }) as unknown as FanoutMessage;
const key = () => [{ id: 'k1', key: randomBytes(32) }];

/**
 * The Socket.IO adapter's server-side events between the nodes of the release before: what one
 * node sends, every other node hears (never the sender).
 */
function adapterWire() {
  const nodes: Array<Map<string, (...args: unknown[]) => void>> = [];
  return (): BusChannel => {
    const handlers = new Map<string, (...args: unknown[]) => void>();
    nodes.push(handlers);
    return {
      on: (event, fn) => void handlers.set(event, fn),
      send: (event, ...args) => {
        for (const other of nodes) if (other !== handlers) other.get(event)?.(...args);
      },
    };
  };
}

describeRedis('RedisClusterBus: the nodes’ bus on the engine’s own Redis pub/sub', () => {
  let redis: TestRedis;
  const opened: Array<{ bus?: RedisClusterBus; client?: Redis }> = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const { bus, client } of opened.splice(0)) {
      await bus?.stop();
      client?.disconnect();
    }
  });
  afterAll(() => redis.stop());

  /** A publisher connected to the test Redis, closed after the test. */
  async function readyClient(): Promise<Redis> {
    const client = new Redis(redis.url, { enableOfflineQueue: false });
    opened.push({ client });
    await new Promise((r) => client.once('ready', r));
    return client;
  }

  /** A started (subscribed) bus on `channel`, stopped after the test. */
  async function startedBus(channel: string, sealer = new Sealer()): Promise<RedisClusterBus> {
    const bus = new RedisClusterBus(await readyClient(), channel, sealer);
    opened.push({ bus });
    await bus.start();
    return bus;
  }

  async function node(channel: string, sealer = new Sealer()) {
    const bus = await startedBus(channel, sealer);
    const got: string[] = [];
    const notices: string[] = [];
    bus.bind(undefined, (m) => got.push(m.envelope.id));
    bus.onNotice('menu.changed', (p) => notices.push(p));
    return { bus, got, notices };
  }

  async function spy(channel: string) {
    const client = new Redis(redis.url);
    const publisher = new Redis(redis.url);
    opened.push({ client }, { client: publisher });
    const frames: Buffer[] = [];
    client.on('messageBuffer', (_c: Buffer, f: Buffer) => frames.push(f));
    await client.subscribe(channel);
    return { frames, publish: (f: string | Buffer) => publisher.publish(channel, f) };
  }

  it('a turn’s messages reach every other node in order, in one frame; never the sender', async () => {
    const channel = `${redis.prefix()}:bus`;
    const [a, b, c] = [await node(channel), await node(channel), await node(channel)];
    const wire = await spy(channel);
    for (let i = 0; i < 5; i++) a.bus.publish(message(`a${i}`));
    b.bus.publish(message('b0'));
    a.bus.notify('menu.changed', 'r-1');
    await until(() => c.got.length === 6 && c.notices.length === 1, 3000, 'c to hear a and b');
    await until(() => b.got.length === 5 && a.got.length === 1, 3000, 'a and b to hear each other');
    expect(c.got).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0']);
    expect(b.got).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(a.got).toEqual(['b0']);
    expect([a.notices, b.notices, c.notices]).toEqual([[], ['r-1'], ['r-1']]);
    // One frame per publishing node and turn, and one for the notice.
    await until(() => wire.frames.length === 3, 3000, 'three frames');
    // A notice goes at once; messages at the end of the turn.
    expect(wire.frames.map((f) => String.fromCharCode(f[12]!))).toEqual(['N', 'B', 'B']);
  });

  it('with DATA_ENCRYPTION_KEY the body is sealed on the wire; a node without the key drops it and lives', async () => {
    const channel = `${redis.prefix()}:bus`;
    const keys = key();
    const a = await node(channel, new Sealer(keys));
    const b = await node(channel, new Sealer(keys));
    const strangerKeys = key();
    const stranger = await node(channel, new Sealer(strangerKeys));
    const wire = await spy(channel);
    a.bus.publish(message('m1'));
    a.bus.notify('menu.changed', 'r-secret');
    await until(() => b.got.length === 1 && b.notices.length === 1, 3000, 'b to open both');
    expect(b.got).toEqual(['m1']);
    expect(b.notices).toEqual(['r-secret']);
    await until(() => wire.frames.length === 2, 3000, 'two frames');
    for (const f of wire.frames) {
      const text = f.toString('utf8');
      expect(text.slice(13, 20)).toBe('enc:v1:');
      expect(text).not.toMatch(/secret|order\.created/);
    }
    // The stranger holds another key: it dropped both frames, and its connection still works.
    const friend = await node(channel, new Sealer(strangerKeys));
    friend.bus.publish(message('m2'));
    await until(() => stranger.got.length === 1, 3000, 'the stranger to hear its friend');
    expect(stranger.got).toEqual(['m2']);
    expect(stranger.notices).toEqual([]);
  });

  it('skips malformed frames without throwing, and hears the next good one', async () => {
    const channel = `${redis.prefix()}:bus`;
    const [a, b] = [await node(channel), await node(channel)];
    const wire = await spy(channel);
    for (const junk of [
      'x',
      '0123456789ab',
      '0123456789abB',
      '0123456789abBnot json',
      '0123456789abB{"a":1}',
      '0123456789abNno-newline',
      '0123456789abZ[]',
    ]) {
      await wire.publish(junk);
    }
    a.bus.publish(message('good'));
    await until(() => b.got.length === 1, 3000, 'the good frame');
    expect(b.got).toEqual(['good']);
    expect(b.notices).toEqual([]);
  });

  it('publishes nothing before it is bound, and drops (never queues) what it cannot send while Redis is away', async () => {
    const channel = `${redis.prefix()}:bus`;
    const b = await node(channel);
    const unbound = new RedisClusterBus(await readyClient(), channel, new Sealer());
    unbound.publish(message('before-bind'));
    await new Promise((r) => setImmediate(r));
    unbound.bind(undefined, () => undefined);
    unbound.publish(message('bound'));
    await until(() => b.got.length === 1, 3000, 'the message sent once bound');

    const client = new Redis(redis.url, { enableOfflineQueue: false, lazyConnect: true });
    opened.push({ client });
    const away = new RedisClusterBus(client, channel, new Sealer());
    away.bind(undefined, () => undefined);
    away.publish(message('while-away'));
    away.notify('menu.changed', 'while-away');
    await new Promise((r) => setImmediate(r));
    await client.connect();
    away.publish(message('after'));
    await until(() => b.got.length === 2, 3000, 'the message sent once connected');
    expect(b.got).toEqual(['bound', 'after']);
    expect(b.notices).toEqual([]);
  });

  it('CLUSTER_BUS=both: new and old nodes each hear every message once during a rolling upgrade', async () => {
    const channel = `${redis.prefix()}:bus`;
    const wire = adapterWire();
    const newNode = async () => new UpgradeClusterBus(await startedBus(channel), new AdapterClusterBus(true));
    const nodes: Array<{ name: string; bus: ClusterBus }> = [
      { name: 'new-1', bus: await newNode() },
      { name: 'new-2', bus: await newNode() },
      { name: 'old', bus: new AdapterClusterBus() },
    ];
    const heard = nodes.map(({ bus }) => {
      const got: string[] = [];
      const notices: string[] = [];
      bus.bind(wire(), (m) => got.push(m.envelope.id));
      bus.onNotice('menu.changed', (p) => notices.push(p));
      return { got, notices };
    });
    nodes[0]!.bus.publish(message('from-new'));
    nodes[2]!.bus.publish(message('from-old'));
    nodes[0]!.bus.notify('menu.changed', 'n');
    nodes[2]!.bus.notify('menu.changed', 'o');
    await until(() => heard[1]!.got.length >= 2 && heard[0]!.got.length >= 1, 3000, 'both messages');
    await new Promise((r) => setTimeout(r, 100)); // a duplicate would have come by now
    expect(heard.map((h) => h.got.sort())).toEqual([['from-old'], ['from-new', 'from-old'], ['from-new']]);
    expect(heard.map((h) => h.notices.sort())).toEqual([['o'], ['n', 'o'], ['n']]);
  });
});
