import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { CLOCK, type Clock } from '../src/util/clock.js';
import { COMMAND_TYPES, SERVICE_COMMANDS } from '@orderwire/contracts';
import { connect, type Envelope, sampleOrder, type TestClient } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { tokenFor } from './support/tokens.js';
import { Receiver, until, WEBHOOK_SECRET } from './support/webhook-receiver.js';

/**
 * The differential test of the command lane (src/commands/command-lane.ts): one script of every
 * command, its refusals and its edge cases, run against a hub on the lane and a hub on Nest's own
 * per-call path (`commandPath: 'nest'`). Replies, errors, what every client receives, what the
 * services' webhook is handed and the audit trail must be the same, up to ids and clocks.
 */

type Who = 'customer' | 'other' | 'crew' | 'kitchen' | 'courier' | 'admin';
interface Step {
  who: Who;
  event: string;
  data?: unknown;
  /** Sent together with the next step, without waiting for its reply. */
  pipelined?: boolean;
  /** Sent while the hub's clock (CLOCK) reads a day ahead: every token has expired. */
  dayLater?: boolean;
}

/** The hub's clock, as SessionGuard reads it: the test moves it, no one sleeps. */
let offsetMs = 0;
const clock: Clock = { now: () => Date.now() + offsetMs };
@Global()
@Module({ providers: [{ provide: CLOCK, useValue: clock }], exports: [CLOCK] })
class TestClock {}

const order = (orderId: string, extra: Record<string, unknown> = {}) => sampleOrder({ orderId, ...extra });

const SCRIPT: Step[] = [
  { who: 'customer', event: 'heartbeat', data: { clientTime: 1 } },
  { who: 'crew', event: 'heartbeat', data: { clientTime: 2 }, dayLater: true },
  { who: 'customer', event: 'order.place', data: order('o-1', { requestId: 'r-1', notes: 'no onions' }) },
  { who: 'customer', event: 'order.place', data: order('o-1', { requestId: 'r-1', notes: 'no onions' }) },
  { who: 'customer', event: 'order.place', data: { ...order('o-x'), items: [] } },
  { who: 'customer', event: 'order.place', data: { ...order('o-x'), surprise: true } },
  { who: 'customer', event: 'order.place', data: 'not an object' },
  { who: 'customer', event: 'admin.announce', data: { audience: ['customer'], level: 'info', message: 'x' } },
  { who: 'customer', event: 'no.such.event', data: {} },
  { who: 'kitchen', event: 'courier.location', data: { orderId: 'o-1', lat: 1, lng: 2 } },
  { who: 'crew', event: 'order.update_status', data: { orderId: 'o-1', status: 'accepted', etaMinutes: 15 } },
  {
    who: 'crew',
    event: 'order.update_status',
    data: { orderId: 'o-1', status: 'preparing' },
    pipelined: true,
  },
  { who: 'kitchen', event: 'order.item_ready', data: { orderId: 'o-1', lineIndexes: [0] } },
  { who: 'kitchen', event: 'order.item_ready', data: { orderId: 'o-1', lineIndexes: [7] } },
  { who: 'courier', event: 'order.item_ready', data: { orderId: 'o-1', lineIndexes: [0] } },
  { who: 'crew', event: 'order.update_status', data: { orderId: 'o-1', status: 'ready' } },
  { who: 'crew', event: 'order.update_status', data: { orderId: 'o-1', status: 'placed' } },
  { who: 'courier', event: 'order.claim', data: { orderId: 'o-1' } },
  { who: 'crew', event: 'order.update_status', data: { orderId: 'o-1', status: 'out_for_delivery' } },
  { who: 'kitchen', event: 'order.assign_courier', data: { orderId: 'o-1', courierId: 'd-1' } },
  { who: 'admin', event: 'order.assign_courier', data: { orderId: 'o-1', courierId: null } },
  { who: 'admin', event: 'order.assign_courier', data: { orderId: 'o-1', courierId: 'd-1' } },
  {
    who: 'courier',
    event: 'order.update_status',
    data: { orderId: 'o-1', status: 'preparing', handoffCode: '1234' },
  },
  { who: 'courier', event: 'courier.location', data: { orderId: 'o-1', lat: 38.7, lng: -9.1, heading: 90 } },
  { who: 'courier', event: 'courier.location', data: { orderId: 'o-1', lat: 91, lng: 0 } },
  { who: 'other', event: 'order.cancel', data: { orderId: 'o-1' } },
  { who: 'kitchen', event: 'menu.set_availability', data: { sku: 'burger', available: false } },
  { who: 'admin', event: 'menu.set_availability', data: { sku: 'burger', available: true, tenantId: 'r-2' } },
  { who: 'kitchen', event: 'store.set_status', data: { status: 'paused' } },
  {
    who: 'admin',
    event: 'store.set_status',
    data: { status: 'busy', extraPrepMinutes: 10, reason: 'full house' },
  },
  { who: 'admin', event: 'store.set_status', data: { status: 'open', until: '2099-01-01T00:00:00Z' } },
  { who: 'admin', event: 'store.set_status', data: { status: 'open' } },
  {
    who: 'admin',
    event: 'store.set_hours',
    data: { hours: { weekly: { mon: [{ open: '11:00', close: '10:00' }] } } },
  },
  { who: 'crew', event: 'store.set_hours', data: { timezone: 'Europe/Lisbon' } },
  {
    who: 'admin',
    event: 'admin.announce',
    data: { audience: ['customer', 'crew'], level: 'info', message: 'hi' },
  },
  { who: 'admin', event: 'metrics.snapshot', data: {} },
  { who: 'admin', event: 'admin.dead_letters', data: { limit: 5 } },
  { who: 'admin', event: 'admin.replay', data: { messageId: '01NOSUCHMESSAGE000000000000' } },
  { who: 'customer', event: 'sync', data: { cursor: 'garbage' } },
  { who: 'customer', event: 'auth.refresh', data: { token: 'not-a-token' } },
  { who: 'customer', event: 'auth.refresh', data: { token: tokenFor('customer', 'c-1') } },
  {
    who: 'customer',
    event: 'order.place',
    data: order('o-2', { fulfillment: 'pickup', deliveryAddress: undefined }),
  },
  { who: 'customer', event: 'order.cancel', data: { orderId: 'o-2', reason: 'changed my mind' } },
  { who: 'customer', event: 'order.cancel', data: { orderId: 'o-2' } },
  { who: 'admin', event: 'admin.disconnect', data: { userId: 'c-2', reason: 'end of test' } },
  { who: 'admin', event: 'admin.audit', data: { limit: 100 } },
  { who: 'admin', event: 'admin.day_report', data: {} },
  { who: 'admin', event: 'admin.day_report', data: { day: '2026-02-30' } },
];

/** Messages sent on a timer rather than by a command: compared by neither path. */
const TIMED = new Set(['metrics.update', 'admin.activity', 'presence.changed']);
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
/** Audit entries' ids: a time and a sequence. */
const STREAM_ID = /^\d{13}-\d+$/;
/** Values that differ between two runs of the same script: clocks, ids, cursors, the token. */
const VOLATILE = new Set([
  'serverTime',
  'exp',
  'cursor',
  'sessionId',
  'commandId',
  'next',
  'token',
  'handoffCode',
]);

function normalize(value: unknown, key = ''): unknown {
  if (VOLATILE.has(key) && value !== undefined) return `<${key}>`;
  if (typeof value === 'string')
    return ULID.test(value)
      ? '<ulid>'
      : ISO.test(value)
        ? '<time>'
        : STREAM_ID.test(value)
          ? '<stream-id>'
          : value;
  if (Array.isArray(value)) return value.map((v) => normalize(v));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v, k)]));
  return value;
}

/** metrics.snapshot measures the hub: its shape is compared, not its numbers. */
function shape(value: unknown): unknown {
  if (typeof value === 'number') return '<n>';
  if (typeof value === 'string') return normalize(value);
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  return value;
}

interface Trace {
  replies: unknown[];
  received: Record<Who, unknown[]>;
  forwarded: unknown[];
}

async function runScript(path: 'lane' | 'nest'): Promise<Trace> {
  const services = new Receiver(WEBHOOK_SECRET);
  await services.start();
  const hub: TestHub = await startHub(
    {
      WEBHOOKS: JSON.stringify([
        {
          id: 'svc',
          url: services.url,
          secret: WEBHOOK_SECRET,
          tenants: ['r-1'],
          commands: SERVICE_COMMANDS,
        },
      ]),
    },
    { commandPath: path, imports: [TestClock] },
  );
  const clients: Record<Who, TestClient> = {
    customer: await connect(hub, 'customer', 'c-1'),
    other: await connect(hub, 'customer', 'c-2'),
    crew: await connect(hub, 'crew', 'k-1'),
    kitchen: await connect(hub, 'crew', 'k-2', { extraClaims: { crewRole: 'kitchen' } }),
    courier: await connect(hub, 'crew', 'd-1', { extraClaims: { crewRole: 'courier' } }),
    admin: await connect(hub, 'admin', 'a-1'),
  };
  try {
    const replies: unknown[] = [];
    let pending: Array<Promise<unknown>> = [];
    for (const step of SCRIPT) {
      offsetMs = step.dayLater ? 86_400_000 : 0;
      pending.push(clients[step.who].cmd(step.event, step.data));
      if (step.pipelined) continue;
      for (const reply of await Promise.all(pending))
        replies.push(step.event === 'metrics.snapshot' ? shape(reply) : normalize(reply));
      pending = [];
    }
    offsetMs = 0;
    // Durable messages reach each client in order: once the last announcement is in, so is the rest.
    await clients.admin.ok('admin.announce', {
      audience: ['customer', 'crew', 'admin'],
      level: 'info',
      message: 'end',
    });
    const done = (e: Envelope) => e.data.message === 'end';
    for (const who of ['customer', 'crew', 'kitchen', 'courier', 'admin'] as const)
      await clients[who].waitFor('notification', done);
    const forwardedOk = replies.filter(
      (r, i) =>
        (SERVICE_COMMANDS as readonly string[]).includes(SCRIPT[i]?.event) && (r as { ok: boolean }).ok,
    ).length;
    await until(
      () => services.of('command', 'admin.announce').length > 1 && services.got.length >= forwardedOk,
    );
    const received = Object.fromEntries(
      Object.entries(clients).map(([who, c]) => [
        who,
        c.received
          // Timed, volatile messages: metrics ticks, the activity feed, and presence (throttled,
          // so admin.disconnect's change may land before or after the closing announcement).
          .filter((e) => !TIMED.has(e.type))
          .map((e) => normalize(e)),
      ]),
    ) as Record<Who, unknown[]>;
    const forwarded = services.got
      .map((g) => normalize({ type: g.body.type, data: (g.body as { data?: unknown }).data }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    return { replies, received, forwarded };
  } finally {
    for (const c of Object.values(clients)) c.close();
    await hub.close();
    await services.stop();
  }
}

describe("command paths: the command lane and Nest's own path give the same result", () => {
  let lane: Trace;
  let nest: Trace;
  beforeAll(async () => {
    lane = await runScript('lane');
    nest = await runScript('nest');
  }, 60_000);
  afterAll(() => undefined);

  it('the script sends every command of COMMANDS', () => {
    expect(new Set(SCRIPT.map((s) => s.event))).toEqual(new Set([...COMMAND_TYPES, 'no.such.event']));
  });

  it('the script is not all refusals: most commands succeed, and each refusal has its code', () => {
    const codes = lane.replies.map((r) =>
      (r as { ok: boolean; error?: { code: string } }).ok
        ? 'ok'
        : (r as { error: { code: string } }).error.code,
    );
    expect(codes.filter((c) => c === 'ok').length).toBeGreaterThan(15);
    expect(new Set(codes)).toEqual(
      new Set([
        'ok',
        'VALIDATION_FAILED',
        'FORBIDDEN',
        'UNKNOWN_EVENT',
        'CONFLICT',
        'NOT_FOUND',
        'UNAUTHORIZED',
        'TOKEN_EXPIRED',
      ]),
    );
  });

  it('the same replies and errors, step by step', () => {
    expect(nest.replies).toEqual(lane.replies);
  });

  it('every client receives the same messages', () => {
    expect(nest.received).toEqual(lane.received);
  });

  it("the services' webhook is handed the same commands", () => {
    expect(lane.forwarded.length).toBeGreaterThan(5);
    expect(nest.forwarded).toEqual(lane.forwarded);
  });
});
