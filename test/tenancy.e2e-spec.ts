import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, sampleOrder, type TestClient } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';

describe('tenant isolation', () => {
  let hub: TestHub;
  let custA: TestClient, crewA: TestClient, adminA: TestClient;
  let custB: TestClient, crewB: TestClient, adminB: TestClient;
  let platform: TestClient;

  beforeAll(async () => {
    hub = await startHub({ METRICS_INTERVAL_MS: '200' });
    custA = await connect(hub, 'customer', 'same-id', { tenantId: 'A' });
    crewA = await connect(hub, 'crew', 'crew-a', { tenantId: 'A' });
    adminA = await connect(hub, 'admin', 'admin-a', { tenantId: 'A' });
    // Tenant B reuses the same user id as tenant A on purpose.
    custB = await connect(hub, 'customer', 'same-id', { tenantId: 'B' });
    crewB = await connect(hub, 'crew', 'crew-b', { tenantId: 'B' });
    adminB = await connect(hub, 'admin', 'admin-b', { tenantId: 'B' });
    platform = await connect(hub, 'admin', 'root', { tenantId: '*' });
  });
  afterAll(async () => {
    for (const c of [custA, crewA, adminA, custB, crewB, adminB, platform]) c.close();
    await hub.close();
  });

  it("tenant B receives nothing of tenant A's orders; platform admins see both", async () => {
    await custA.ok('order.place', sampleOrder({ orderId: 'shared-id' }));
    await custB.ok('order.place', sampleOrder({ orderId: 'shared-id', notes: 'B' }));
    await crewA.ok('order.update_status', { orderId: 'shared-id', status: 'accepted' });
    await adminA.ok('admin.announce', {
      audience: ['customer', 'crew', 'admin'],
      level: 'info',
      message: 'A only',
    });

    const aOrder = await platform.waitFor('order.created', (e) => e.tenantId === 'A');
    const bOrder = await platform.waitFor('order.created', (e) => e.tenantId === 'B');
    expect(aOrder.data.order).toMatchObject({ tenantId: 'A' });
    expect(bOrder.data.order).toMatchObject({ tenantId: 'B', notes: 'B' });
    await platform.waitFor('order.status_updated', (e) => e.tenantId === 'A');
    await platform.waitFor('notification', (e) => e.tenantId === 'A');
    await custA.waitFor('order.status_updated');
    await custA.waitFor('notification');

    // Round trips on B's sockets after A's traffic: anything misrouted would have arrived by now.
    for (const c of [custB, crewB, adminB]) await c.ok('heartbeat', { clientTime: 1 });
    for (const c of [custB, crewB, adminB]) {
      const leaked = c.received.filter(
        (e) => e.tenantId === 'A' || JSON.stringify(e.data).includes('"tenantId":"A"'),
      );
      expect(leaked).toEqual([]);
    }
    expect(custB.of('order.status_updated')).toHaveLength(0);
    expect(custB.of('notification')).toHaveLength(0);
  });

  // Each tenant has its own log, its own cursors (issue #34: a tenant's log on one Redis Cluster
  // shard). A's and B's cursors are not ordered with each other, so a platform admin, who reads
  // both, has no one cursor: none in its welcome, a replay from one is not recovered, and one
  // cumulative ack could not cover both (it is given per-message acks).
  it('cursors are per tenant; a platform admin resumes from none and acknowledges each message', async () => {
    const a = (await custA.ok('order.place', sampleOrder({ orderId: 'per-tenant-a' }))) as {
      orderId: string;
    };
    const createdA = await crewA.waitFor(
      'order.created',
      (e) => (e.data as { order: { orderId: string } }).order.orderId === a.orderId,
    );
    const createdB = await crewB.waitFor('order.created', () => true);
    expect(createdA.cursor!.split(':')[0]).not.toBe(createdB.cursor!.split(':')[0]);
    const root = await connect(hub, 'admin', 'root-cursor', { tenantId: '*', acks: 'cumulative' });
    const welcome = root.of('system.welcome')[0]!;
    expect(welcome.data).toMatchObject({ acks: 'each' });
    expect(welcome.data).not.toHaveProperty('cursor');
    root.close();
    const back = await connect(hub, 'admin', 'root-cursor', { tenantId: '*', cursor: createdA.cursor });
    expect(back.of('system.welcome')[0]!.data).toMatchObject({ recovered: false, replayed: 0 });
    back.close();
    // A tenant's own admin resumes from its cursor.
    const again = await connect(hub, 'admin', 'admin-a-2', { tenantId: 'A', cursor: createdA.cursor });
    expect(again.of('system.welcome')[0]!.data).toMatchObject({ recovered: true });
    again.close();
  });

  it("B's crew and admins cannot read or change A's orders", async () => {
    // B's shared-id is B's own order; A's order with the same id stays untouched.
    await crewB.ok('order.update_status', { orderId: 'shared-id', status: 'rejected' });
    expect(
      (await crewB.cmd('order.update_status', { orderId: 'shared-id', status: 'accepted', tenantId: 'A' }))
        .error?.code,
    ).toBe('FORBIDDEN');
    expect((await adminB.cmd('order.cancel', { orderId: 'shared-id', tenantId: 'A' })).error?.code).toBe(
      'FORBIDDEN',
    );
    expect(
      (await adminB.cmd('admin.disconnect', { userId: 'same-id', tenantId: 'A', reason: 'x' })).error?.code,
    ).toBe('FORBIDDEN');
    const disc = await adminB.ok('admin.disconnect', { userId: 'crew-a', reason: 'not mine' });
    expect(disc).toEqual({ disconnected: 0 });
    expect(crewA.socket.connected).toBe(true);
    // A's order is still accepted: A's crew can move it on.
    expect(
      await crewA.ok('order.update_status', { orderId: 'shared-id', status: 'preparing' }),
    ).toMatchObject({ status: 'preparing' });
    // The boards of new sessions show only their own tenant.
    const lateB = await connect(hub, 'crew', 'crew-b2', { tenantId: 'B' });
    const board = await lateB.waitFor('order.board');
    expect((board.data.orders as Array<{ tenantId: string }>).every((o) => o.tenantId === 'B')).toBe(true);
    lateB.close();
  });

  it('the admin feed is per tenant: presence and metrics of B never reach A', async () => {
    const m = await adminA.next('system.metrics', () => true, 3000);
    expect(m.data.scope).toBe('A');
    const pm = await platform.next('system.metrics', () => true, 3000);
    expect(pm.data.scope).toBe('*');
    const late = await connect(hub, 'crew', 'crew-b3', { tenantId: 'B' });
    const p = await adminB.next('presence.changed', (e) => e.data.tenantId === 'B', 3000);
    expect((p.data.online as { crew: number }).crew).toBeGreaterThanOrEqual(2);
    late.close();
    await adminA.ok('heartbeat', { clientTime: 1 });
    expect(adminA.received.filter((e) => e.tenantId === 'B')).toEqual([]);
    expect(adminA.of('presence.changed').every((e) => e.data.tenantId === 'A')).toBe(true);
  });

  it('platform admins must name a tenant to act on one', async () => {
    const reply = await platform.cmd('order.update_status', { orderId: 'shared-id', status: 'ready' });
    expect(reply.error?.code).toBe('VALIDATION_FAILED');
    expect(
      await platform.ok('order.update_status', { orderId: 'shared-id', status: 'ready', tenantId: 'A' }),
    ).toMatchObject({ status: 'ready' });
    const board = await connect(hub, 'admin', 'root-2', { tenantId: '*' });
    const orders = (await board.waitFor('order.board')).data.orders as Array<{ tenantId: string }>;
    expect(new Set(orders.map((o) => o.tenantId))).toEqual(new Set(['A']));
    board.close();
  });
});
