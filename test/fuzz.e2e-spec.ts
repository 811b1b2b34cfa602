import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { COMMAND_TYPES, ERROR_CODES } from '@orderwire/contracts';
import fc from 'fast-check';
import { connect, sampleOrder, type TestClient } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

/** A valid payload per command, for mutations that stay close to what the hub accepts. */
const VALID: Record<string, Record<string, unknown>> = {
  'order.place': sampleOrder(),
  'order.cancel': { orderId: 'o-1', reason: 'r' },
  'order.update_status': { orderId: 'o-1', status: 'accepted', etaMinutes: 5 },
  'courier.location': { orderId: 'o-1', lat: 1, lng: 2 },
  'admin.announce': { audience: ['crew'], level: 'info', message: 'm' },
  'admin.disconnect': { userId: 'nobody', reason: 'r' },
  'metrics.snapshot': {},
  'admin.dead_letters': { limit: 5 },
  'admin.replay': { messageId: 'x' },
  heartbeat: { clientTime: 1 },
  'auth.refresh': { token: 'x' },
  sync: { cursor: 'x:1' },
};

/** Names socket.io-client itself refuses to emit. */
const CLIENT_RESERVED = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

const eventArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...COMMAND_TYPES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).filter((s) => !CLIENT_RESERVED.has(s)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'error',
      'order.placed',
    ),
  },
);

const payloadArb = (event: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.anything({ maxDepth: 3, maxKeys: 6 }) },
    {
      weight: 5,
      arbitrary: fc
        .tuple(fc.constantFrom('requestId', ...Object.keys(VALID[event] ?? {})), fc.anything({ maxDepth: 2 }))
        .map(([key, value]) => ({ ...(VALID[event] ?? {}), [key]: value })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({ extra: fc.string({ maxLength: 10 }), value: fc.jsonValue({ maxDepth: 2 }) })
        .map(({ extra, value }) => ({ ...(VALID[event] ?? {}), [extra]: value })),
    },
    { weight: 1, arbitrary: fc.constant(VALID[event]) },
  );

describe(`fuzzing every command (${RUNS} cases)`, () => {
  let hub: TestHub;
  let clients: Record<string, TestClient>;
  let bystander: TestClient;

  beforeAll(async () => {
    hub = await startHub({
      RATE_COMMANDS_PER_SECOND: '100000',
      RATE_COMMAND_BURST: '100000',
      RATE_USER_COMMANDS_PER_SECOND: '100000',
      RATE_USER_COMMAND_BURST: '100000',
      RATE_COURIER_PER_SECOND: '100000',
    });
    clients = {
      customer: await connect(hub, 'customer', 'fz-customer'),
      crew: await connect(hub, 'crew', 'fz-crew', { extraClaims: { crewRole: 'courier' } }),
      admin: await connect(hub, 'admin', 'fz-admin'),
    };
    bystander = await connect(hub, 'crew', 'bystander', { tenantId: 'r-2' });
  });
  afterAll(async () => {
    for (const c of [...Object.values(clients), bystander]) c.close();
    await hub.close();
  });

  it('every reply is ok or a documented error code, and the node keeps serving', async () => {
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('customer', 'crew', 'admin'),
        eventArb.chain((event) => fc.tuple(fc.constant(event), payloadArb(event))),
        async (role, [event, payload]) => {
          const client = clients[role];
          const reply = await client.cmd(event, payload, 3000);
          expect(typeof reply.ok).toBe('boolean');
          if (!reply.ok) {
            expect(ERROR_CODES).toContain(reply.error!.code);
            // INTERNAL is documented, but bad input must never be what causes it.
            expect(reply.error!.code).not.toBe('INTERNAL');
            expect(typeof reply.error!.message).toBe('string');
            expect(JSON.stringify(reply.error)).not.toMatch(/\bat .*\.(js|ts):\d+/);
            codes.add(reply.error!.code);
          }
          expect(client.socket.connected).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
    expect([...codes]).toEqual(expect.arrayContaining(['VALIDATION_FAILED', 'UNKNOWN_EVENT', 'FORBIDDEN']));
    const hb = await bystander.ok('heartbeat', { clientTime: Date.now() });
    expect(hb.serverTime).toEqual(expect.any(Number));
    expect(bystander.received.filter((e) => e.tenantId === 'r-1')).toEqual([]);
    const live = await fetch(`${hub.url}/health/live`);
    expect(live.status).toBe(200);
  });
});
