import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { connect, sampleOrder } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeRedis, startRedis, type TestRedis } from './support/redis.js';
import type { DurableType, Envelope } from '@orderwire/contracts';
import { newUlid } from '@orderwire/contracts';
import { DeliveryService } from '../src/delivery/delivery.service.js';
import { MetricsService } from '../src/metrics/metrics.service.js';
import { MESSAGE_STORE } from '../src/engine/engine.tokens.js';
import type { MessageStore } from '../src/engine/message-store.js';
import { route } from '../src/routing/routing.table.js';
import { tokenFor } from './support/tokens.js';

describeRedis('two hub nodes sharing one Redis', () => {
  let redis: TestRedis;
  let node1: TestHub;
  let node2: TestHub;
  beforeAll(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix(), SESSIONS_PER_USER: '2' };
    node1 = await startHub({ ...env, NODE_ID: 'node-1' });
    node2 = await startHub({ ...env, NODE_ID: 'node-2' });
  });
  afterAll(async () => {
    await node1?.close();
    await node2?.close();
    await redis?.stop();
  });

  /** Messages a node read from the log because the cluster bus had not brought them in time. */
  const gapReads = async (node: TestHub): Promise<number> =>
    (await node.app.get(MetricsService).gapReads.get()).values.reduce((n, v) => n + v.value, 0);

  it('a node that drains disconnects its own sockets only, never those of the other node', async () => {
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: node1.config.engine.prefix, NODE_ID: 'node-3' };
    const leaving = await startHub(env);
    const stays = await connect(node1, 'crew', 'k-stays');
    const goes = await connect(leaving, 'crew', 'k-goes');
    const gone = goes.waitDisconnect();
    await leaving.close();
    expect(await gone).toBe('io server disconnect');
    expect(goes.of('system.shutdown')).toHaveLength(1);
    await stays.ok('heartbeat', { clientTime: 1 });
    expect(stays.socket.connected).toBe(true);
    expect(stays.of('system.shutdown')).toHaveLength(0);
    stays.close();
  });

  it('a customer on node 1 places an order and crew on node 2 receive it, once', async () => {
    const crew = await connect(node2, 'crew', 'k-1');
    const admin = await connect(node2, 'admin', 'a-1');
    const customer = await connect(node1, 'customer', 'c-1');
    const { orderId } = await customer.ok('order.place', sampleOrder());
    const got = await crew.waitFor(
      'order.created',
      (e) => (e.data.order as { orderId: string }).orderId === orderId,
    );
    expect(got).toMatchObject({ tenantId: 'r-1', requiresAck: true, sender: { id: 'c-1' } });
    await admin.waitFor('order.created', (e) => e.id === got.id);
    // Status updates from node 2 reach the customer on node 1.
    await crew.ok('order.update_status', { orderId, status: 'accepted' });
    const upd = await customer.waitFor('order.status_updated');
    expect(upd.data).toMatchObject({ orderId, status: 'accepted', previousStatus: 'placed' });
    // Volatile traffic crosses nodes too: the customer's presence reached node 2's admin.
    await admin.waitFor('presence.changed', (e) => (e.data.online as { customer: number }).customer === 1);
    await crew.ok('heartbeat', { clientTime: 1 });
    expect(crew.of('order.created').filter((e) => e.id === got.id)).toHaveLength(1);
    // Both came over the cluster bus, none had to be read from the log.
    for (const node of [node1, node2]) expect(await gapReads(node)).toBe(0);
    for (const c of [crew, admin, customer]) c.close();
  });

  it('admin.disconnect issued on node 2 ends a session that lives on node 1, and revocation holds everywhere', async () => {
    const token = tokenFor('crew', 'k-bad');
    const victim = await connect(node1, 'crew', 'k-bad', { token });
    const admin = await connect(node2, 'admin', 'a-2');
    const gone = victim.waitDisconnect();
    const started = Date.now();
    expect(
      await admin.ok('admin.disconnect', { userId: 'k-bad', reason: 'stolen device', revokeTokens: true }),
    ).toEqual({
      disconnected: 1,
    });
    expect(await gone).toBe('io server disconnect');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(victim.of('system.error')[0]?.data).toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(connect(node1, 'crew', 'k-bad', { token })).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    await expect(connect(node2, 'crew', 'k-bad', { token })).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    admin.close();
  });

  it('a customer who drops off node 1 reconnects to node 2 with its cursor and gets every missed message in order', async () => {
    const crew = await connect(node2, 'crew', 'k-3', { tenantId: 'r-3' });
    const customer = await connect(node1, 'customer', 'c-3', { tenantId: 'r-3' });
    const { orderId } = await customer.ok('order.place', sampleOrder());
    const cursor = (await customer.waitFor('order.created')).cursor!;
    customer.close();
    const statuses = ['accepted', 'preparing', 'ready', 'out_for_delivery', 'delivered'];
    for (const status of statuses) await crew.ok('order.update_status', { orderId, status });
    const back = await connect(node2, 'customer', 'c-3', { tenantId: 'r-3', cursor });
    expect(back.received[0].data).toMatchObject({ recovered: true, replayed: 5 });
    const replayed = back.received.slice(
      1,
      back.received.findIndex((e) => e.type === 'order.board'),
    );
    expect(replayed.map((e) => e.data.status)).toEqual(statuses);
    back.close();
    crew.close();
  });

  it('session caps and presence are cluster-wide', async () => {
    const a = await connect(node1, 'crew', 'k-cap');
    const b = await connect(node2, 'crew', 'k-cap');
    await expect(connect(node1, 'crew', 'k-cap')).rejects.toMatchObject({
      data: { code: 'TOO_MANY_CONNECTIONS' },
    });
    const admin = await connect(node1, 'admin', 'a-cap');
    const snapshot = await admin.ok('metrics.snapshot', {});
    expect((snapshot.connections as { crew: number }).crew).toBeGreaterThanOrEqual(2);
    a.close();
    b.close();
    admin.close();
  });

  it('a requestId seen on node 1 is answered from the first result on node 2', async () => {
    const c1 = await connect(node1, 'customer', 'c-idem');
    const c2 = await connect(node2, 'customer', 'c-idem');
    const first = await c1.cmd('order.place', sampleOrder({ requestId: 'cluster-req-1' }));
    const again = await c2.cmd('order.place', sampleOrder({ requestId: 'cluster-req-1' }));
    expect(first.ok).toBe(true);
    expect(again).toEqual(first);
    c1.close();
    c2.close();
  });

  /**
   * What the cluster bus can lose (a message appended on another node whose bus copy never
   * came, e.g. while Redis restarted) is appended straight into the shared log here, without a
   * bus message. Before the delivery order (DeliverySequencer) it never reached the live socket,
   * and a socket that then received a newer message had a cursor past it: lost for good.
   */
  const lostOnTheBus = async (userId: string, message: string): Promise<Envelope<DurableType>> => {
    const envelope = {
      id: newUlid(),
      type: 'notification',
      tenantId: 'r-1',
      data: { level: 'info', message },
      timestamp: new Date().toISOString(),
      sender: { id: 'other-node', role: 'service' },
      requiresAck: true,
    } as unknown as Envelope<DurableType>;
    const targets = route('notification', { tenantId: 'r-1', userIds: [userId] });
    await node2.app.get<MessageStore>(MESSAGE_STORE).append(envelope, targets, Date.now());
    return envelope;
  };

  it('a message the bus lost reaches the socket from the log, before a newer local one', async () => {
    const customer = await connect(node1, 'customer', 'c-gap');
    const lost = await lostOnTheBus('c-gap', 'lost on the bus');
    const local = await node1.app.get(DeliveryService).publish({
      type: 'notification',
      tenantId: 'r-1',
      data: { level: 'info', message: 'newer, local' },
      audience: { userIds: ['c-gap'] },
    });
    await customer.waitFor('notification', (e) => e.id === local.id);
    const got = customer.of('notification').map((e) => [e.id, e.cursor]);
    expect(got).toEqual([
      [lost.id, lost.cursor],
      [local.id, local.cursor],
    ]);
    customer.close();
  });

  it('a message the bus lost with nothing after it still arrives, found from the log head', async () => {
    const customer = await connect(node1, 'customer', 'c-gap-2');
    const lost = await lostOnTheBus('c-gap-2', 'last one, lost on the bus');
    // The head check runs every second and reads what the previous check saw: within ~2 s.
    const got = await customer.waitFor('notification', (e) => e.id === lost.id, 5000);
    expect(got.cursor).toBe(lost.cursor);
    customer.close();
  });

  it('a rolling upgrade: nodes of the release before (CLUSTER_BUS=adapter), on both, and on redis each get every order once, none from the log', async () => {
    const prefix = redis.prefix();
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: prefix };
    const wire = new Redis(redis.url);
    let frames = 0;
    wire.on('messageBuffer', () => frames++);
    await wire.subscribe(`${prefix}:bus`);
    const nodes = [
      await startHub({ ...env, NODE_ID: 'before', CLUSTER_BUS: 'adapter' }),
      await startHub({ ...env, NODE_ID: 'during-1', CLUSTER_BUS: 'both' }),
      await startHub({ ...env, NODE_ID: 'during-2', CLUSTER_BUS: 'both' }),
    ];
    try {
      const crews = await Promise.all(nodes.map((n, i) => connect(n, 'crew', `k-up-${i}`)));
      for (const [i, node] of nodes.entries()) {
        const customer = await connect(node, 'customer', `c-up-${i}`);
        const { orderId } = await customer.ok('order.place', sampleOrder());
        for (const crew of crews)
          await crew.waitFor(
            'order.created',
            (e) => (e.data.order as { orderId: string }).orderId === orderId,
          );
        customer.close();
      }
      await Promise.all(crews.map((c) => c.ok('heartbeat', { clientTime: 1 })));
      await new Promise((r) => setTimeout(r, 200)); // a second copy would have come by now
      for (const crew of crews) {
        const ids = crew.of('order.created').map((e) => e.id);
        expect(ids).toHaveLength(3);
        expect(new Set(ids).size).toBe(3);
      }
      for (const node of nodes) expect(await gapReads(node)).toBe(0);
      // The nodes on both also spoke over the engine's own channel.
      expect(frames).toBeGreaterThan(0);
      for (const c of crews) c.close();
    } finally {
      wire.disconnect();
      for (const n of nodes) await n.close();
    }
  });
});
