// The fakes of DeliveryPolicy's unit tests (not built: tsconfig.build.json leaves *.fake.ts out).
import { afterEach, beforeEach, jest } from '@jest/globals';
import type { DurableType, Envelope, Role } from '@orderwire/contracts';
import type { DeadLetter, Targets } from '../engine/message-store.js';
import type { AckHandler, AckTracking, DurableWriter } from '../transport/socket-writer.js';
import { DeliveryPolicy, type DeliveryPolicyPort } from './delivery-policy.js';

export interface FakeSocket {
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
export class FakeWriter implements DurableWriter {
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
    const handler = s.owed.get(pid);
    if (!handler) return; // dropped by the policy: Socket.IO ignores such an ack ("bad ack")
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

  dropAcks(_role: Role, ids: Iterable<string>, packetIds: readonly number[]): void {
    for (const id of ids) for (const p of packetIds) this.sockets.get(id)?.owed.delete(p);
  }
}

let n = 0;
export const message = (): Envelope<DurableType> =>
  ({ id: `m${++n}`, type: 'notification', tenantId: 'r-1', data: {} }) as unknown as Envelope<DurableType>;
export const toCustomers: Targets = { customer: ['t:r-1'] };
/** The first retry: the backoff's timer, then a setImmediate (1 ms later under fake timers). */
export const FIRST_RETRY = 1001;

/** The policy's port over `writer`, recording dead letters, queued retries and holds. */
export type FakePort = DeliveryPolicyPort & {
  letters: DeadLetter[];
  retries: Array<[string, number]>;
  holds: string[];
  heldIds: Set<string>;
  failRetries: boolean;
  /** Every acknowledgement the policy reported: message id and user key. */
  acks: Array<[string, string]>;
};

export function fakePort(writer: FakeWriter): FakePort {
  const letters: DeadLetter[] = [];
  const retries: Array<[string, number]> = [];
  const holds: string[] = [];
  const heldIds = new Set<string>();
  const acks: Array<[string, string]> = [];
  const port: FakePort = {
    acks,
    acknowledged: (envelope, from) => void acks.push([envelope.id, from.userKey]),
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
  return port;
}

/**
 * A fresh writer, port and policy (1 s backoff, 3 attempts, fake timers) for each test of the
 * calling `describe`: read them from the returned object inside the tests.
 */
export function policyPerTest(): { writer: FakeWriter; port: FakePort; policy: DeliveryPolicy } {
  const t = {} as { writer: FakeWriter; port: FakePort; policy: DeliveryPolicy };
  beforeEach(() => {
    jest.useFakeTimers();
    t.writer = new FakeWriter();
    t.port = fakePort(t.writer);
    t.policy = new DeliveryPolicy(t.port, { backoffMs: 1000, maxAttempts: 3 });
  });
  afterEach(() => {
    t.policy.clear();
    jest.useRealTimers();
  });
  return t;
}
