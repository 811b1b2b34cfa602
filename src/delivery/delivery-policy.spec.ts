import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { DurableType, Envelope, Role } from '@orderwire/contracts';
import type { DeadLetter, Targets } from '../engine/message-store.js';
import type { AckHandler, AckTracking, DurableWriter } from '../transport/socket-writer.js';
import { DeliveryPolicy, type DeliveryPolicyPort } from './delivery-policy.js';

interface FakeSocket {
  id: string;
  role: Role;
  userKey: string;
  rooms: Set<string>;
  /** Ack callbacks owed, by packet id, in write order (as Socket.IO keeps them). */
  owed: Map<number, AckHandler>;
  tracking: AckTracking;
  /** What was written to it: message ids. */
  got: string[];
}

/** Sockets in rooms, packet ids per broadcast, acks owed per socket: what Socket.IO does, in memory. */
class FakeWriter implements DurableWriter {
  sockets = new Map<string, FakeSocket>();
  private packetIds = 0;

  add(id: string, role: Role, user: string): FakeSocket {
    const userKey = `${role}|r-1|${user}`;
    const s: FakeSocket = {
      id,
      role,
      userKey,
      rooms: new Set(['t:r-1', `u:r-1:${user}`]),
      owed: new Map(),
      tracking: {},
      got: [],
    };
    this.sockets.set(id, s);
    return s;
  }

  /** The client acknowledges `packetId` (the newest it owes if omitted). */
  ack(id: string, packetId?: number): void {
    const s = this.sockets.get(id)!;
    const pid = packetId ?? [...s.owed.keys()].pop()!;
    const handler = s.owed.get(pid)!;
    s.owed.delete(pid);
    handler({ id, role: s.role, userKey: s.userKey, userRoom: this.userRoom(s), tracking: s.tracking }, pid);
  }

  private userRoom(s: FakeSocket): string {
    return [...s.rooms].find((r) => r.startsWith('u:'))!;
  }

  private matching(role: Role, rooms: ReadonlySet<string>, except: ReadonlySet<string>): FakeSocket[] {
    return [...this.sockets.values()].filter(
      (s) => s.role === role && !except.has(s.id) && [...rooms].some((r) => s.rooms.has(r)),
    );
  }

  reach(role: Role, rooms: ReadonlySet<string>, except: ReadonlySet<string>, into: Set<string>): number {
    const hit = this.matching(role, rooms, except);
    for (const s of hit) into.add(s.userKey);
    return hit.length;
  }

  broadcast(
    role: Role,
    rooms: ReadonlySet<string>,
    except: ReadonlySet<string>,
    args: unknown[],
    onAck: AckHandler,
  ): { written: number; packetId?: number } {
    const packetId = this.packetIds++;
    const hit = this.matching(role, rooms, except);
    for (const s of hit) {
      s.owed.set(packetId, onAck);
      s.got.push((args[1] as Envelope).id);
    }
    return { written: hit.length, packetId };
  }

  write(): void {
    throw new Error('not used here');
  }

  members(role: Role, room: string): ReadonlySet<string> | undefined {
    const ids = [...this.sockets.values()]
      .filter((s) => s.role === role && s.rooms.has(room))
      .map((s) => s.id);
    return ids.length ? new Set(ids) : undefined;
  }

  socketsOf(userKey: string): { role: Role; room: string; ids: ReadonlySet<string> | undefined } {
    const [role, tenant, user] = userKey.split('|') as [Role, string, string];
    const room = `u:${tenant}:${user}`;
    return { role, room, ids: this.members(role, room) };
  }

  owedAcks(_role: Role, id: string): ReadonlyMap<number, unknown> | undefined {
    return this.sockets.get(id)?.owed;
  }

  ackTracking(_role: Role, id: string): AckTracking | undefined {
    return this.sockets.get(id)?.tracking;
  }

  dropAcks(_role: Role, ids: Iterable<string>, packetIds: readonly number[], except?: string): void {
    for (const id of ids) if (id !== except) for (const p of packetIds) this.sockets.get(id)?.owed.delete(p);
  }
}

let n = 0;
const message = (): Envelope<DurableType> =>
  ({ id: `m${++n}`, type: 'notification', tenantId: 'r-1', data: {} }) as unknown as Envelope<DurableType>;
const toCustomers: Targets = { customer: ['t:r-1'] };
/** The first retry: the backoff's timer, then a setImmediate (1 ms later under fake timers). */
const FIRST_RETRY = 1001;

describe('DeliveryPolicy', () => {
  let writer: FakeWriter;
  let port: DeliveryPolicyPort & {
    letters: DeadLetter[];
    retries: Array<[string, number]>;
    holds: string[];
    heldIds: Set<string>;
    failRetries: boolean;
  };
  let policy: DeliveryPolicy;

  beforeEach(() => {
    jest.useFakeTimers();
    writer = new FakeWriter();
    const letters: DeadLetter[] = [];
    const retries: Array<[string, number]> = [];
    const holds: string[] = [];
    const heldIds = new Set<string>();
    port = {
      writer,
      letters,
      retries,
      holds,
      heldIds,
      failRetries: false,
      held: () => heldIds,
      hold: (_role, _rooms, envelope) => void holds.push(envelope.id),
      scheduleRetry: (id, delay) => {
        if (port.failRetries) return Promise.reject(new Error('queue down'));
        retries.push([id, delay]);
        return Promise.resolve();
      },
      cancelRetry: () => Promise.resolve(),
      background: (_what, work) => void work,
      warn: () => undefined,
      deadLettered: (letter) => {
        letters.push(letter);
        return Promise.resolve();
      },
      delivered: () => undefined,
      ackLatency: () => undefined,
      retried: () => undefined,
    };
    policy = new DeliveryPolicy(port, { backoffMs: 1000, maxAttempts: 3 });
  });
  afterEach(() => {
    policy.clear();
    jest.useRealTimers();
  });

  it('writes once per addressed socket; every user acking ends the message, with no retry', async () => {
    const a = writer.add('s1', 'customer', 'c-1');
    const b = writer.add('s2', 'customer', 'c-2');
    writer.add('k1', 'crew', 'k-1'); // another namespace, not addressed
    const m = message();
    policy.fanOut(m, toCustomers, Date.now());
    expect([a.got, b.got]).toEqual([[m.id], [m.id]]);
    writer.ack('s1');
    expect(policy.pendingCount).toBe(1);
    writer.ack('s2');
    expect(policy.pendingCount).toBe(0);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(a.got).toEqual([m.id]);
    expect(writer.sockets.get('k1')!.got).toEqual([]);
  });

  it('retries after 1 s from a local timer, then through the job scheduler with doubling delays, then dead-letters', async () => {
    const s = writer.add('s1', 'customer', 'c-1');
    const m = message();
    policy.fanOut(m, toCustomers, Date.now());
    await jest.advanceTimersByTimeAsync(999);
    expect(s.got).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(FIRST_RETRY - 999);
    expect(s.got).toHaveLength(2); // the socket has been quiet for the backoff: it gets it again
    expect(port.retries).toEqual([[m.id, 2000]]);
    await jest.advanceTimersByTimeAsync(2000);
    await policy.redeliver(m.id); // the job runs
    expect(s.got).toHaveLength(3);
    expect(port.retries).toEqual([
      [m.id, 2000],
      [m.id, 4000],
    ]);
    await policy.redeliver(m.id); // attempts are used up
    expect(port.letters).toEqual([
      expect.objectContaining({
        messageId: m.id,
        recipients: ['c-1'],
        userKeys: ['customer|r-1|c-1'],
        attempts: 3,
      }),
    ]);
    expect(policy.pendingCount).toBe(0);
    expect(s.owed.size).toBe(0); // every stale ack callback dropped
  });

  it('does not resend to a socket that still owes an ack for something older (its copy is on the way)', async () => {
    const s = writer.add('s1', 'customer', 'c-1');
    const older = message();
    const m = message();
    policy.fanOut(older, toCustomers, Date.now());
    policy.fanOut(m, toCustomers, Date.now());
    await jest.advanceTimersByTimeAsync(FIRST_RETRY);
    // Both were due; `older` is first in line and resent, `m` waits behind it (attempt counted).
    expect(s.got).toEqual([older.id, m.id, older.id]);
    expect(port.retries.map(([id]) => id).sort()).toEqual([m.id, older.id].sort());
  });

  it('does not resend to a socket that acked within the backoff but nothing written after the copy', async () => {
    const s = writer.add('s1', 'customer', 'c-1');
    const first = message();
    const m = message();
    policy.fanOut(first, toCustomers, Date.now());
    policy.fanOut(m, toCustomers, Date.now());
    await jest.advanceTimersByTimeAsync(900);
    writer.ack('s1', 0); // works through its backlog: acks `first`, 100 ms before m's retry
    await jest.advanceTimersByTimeAsync(FIRST_RETRY - 900);
    expect(s.got).toEqual([first.id, m.id]);
  });

  it('resends at once to a socket that acked later messages (its handler failed on this one)', async () => {
    const s = writer.add('s1', 'customer', 'c-1');
    const m = message();
    const later = message();
    policy.fanOut(m, toCustomers, Date.now());
    policy.fanOut(later, toCustomers, Date.now());
    writer.ack('s1', 1); // acks `later`, never `m`
    await jest.advanceTimersByTimeAsync(FIRST_RETRY);
    expect(s.got).toEqual([m.id, later.id, m.id]);
  });

  it('stops retrying a user who went offline (their replay brings it), without a dead letter', async () => {
    writer.add('s1', 'customer', 'c-1');
    const m = message();
    policy.fanOut(m, toCustomers, Date.now());
    writer.sockets.delete('s1');
    await jest.advanceTimersByTimeAsync(FIRST_RETRY);
    expect(policy.pendingCount).toBe(0);
    expect(port.letters).toEqual([]);
  });

  it("one session's ack counts for the user and drops the other sessions' ack callbacks", () => {
    const a = writer.add('s1', 'customer', 'c-1');
    const b = writer.add('s2', 'customer', 'c-1');
    policy.fanOut(message(), toCustomers, Date.now());
    writer.ack('s1');
    expect(policy.pendingCount).toBe(0);
    expect(a.owed.size + b.owed.size).toBe(0);
  });

  it('passes held sockets by and hands the message to the replay hold', () => {
    const held = writer.add('s1', 'customer', 'c-1');
    const live = writer.add('s2', 'customer', 'c-2');
    port.heldIds.add('s1');
    const m = message();
    policy.fanOut(m, toCustomers, Date.now());
    expect([held.got, live.got]).toEqual([[], [m.id]]);
    expect(port.holds).toEqual([m.id]);
  });

  it('retries from a local timer when the job scheduler cannot take the retry', async () => {
    const s = writer.add('s1', 'customer', 'c-1');
    port.failRetries = true;
    policy.fanOut(message(), toCustomers, Date.now());
    await jest.advanceTimersByTimeAsync(FIRST_RETRY);
    expect(s.got).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(2000);
    expect(s.got).toHaveLength(3);
  });

  it('requeues a dead letter to its recipients online here, as a new first attempt', async () => {
    const s = writer.add('s1', 'customer', 'c-1');
    writer.add('s2', 'customer', 'c-2');
    const m = message();
    policy.requeue(m, ['customer|r-1|c-1', 'customer|r-1|c-9']);
    expect(s.got).toEqual([m.id]);
    expect(writer.sockets.get('s2')!.got).toEqual([]);
    writer.ack('s1');
    expect(policy.pendingCount).toBe(0);
  });
});
