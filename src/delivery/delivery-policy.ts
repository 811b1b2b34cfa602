import type { DurableType, Envelope, Role } from '@orderwire/contracts';
import type { DeadLetter, Targets } from '../engine/message-store.js';
import { parseUserKey } from '../routing/rooms.js';
import type { AckingSocket, DurableWriter } from '../transport/socket-writer.js';
import type { Link } from '../session/link.js';
import { type AckTime, observeAckTime } from './ack-time.js';
import { behind } from './retry-gate.js';

/** A durable message still waiting for acknowledgements on this node. */
interface Pending {
  envelope: Envelope<DurableType>;
  publishedAt: number;
  /** When this node first wrote it, by this node's clock (publishedAt may be another node's). */
  sentAt: number;
  /** User keys that received it here and have not acknowledged yet. */
  waiting: Set<string>;
  attempts: number;
  /** Packet ids used per namespace, so that stale ack callbacks can be dropped. */
  packets: Array<[Role, number]>;
  /** The in-process wait for the first acknowledgements (see schedule). */
  timer?: NodeJS.Timeout;
  /** Whether a retry was handed to the job scheduler (BullMQ in the redis engine). */
  queued?: boolean;
  /** The event's arguments, one array for every namespace and attempt (encoded once, see HubEncoder). */
  args?: unknown[];
}

/** What the policy tells and asks the rest of the hub (DeliveryService wires it). */
export interface DeliveryPolicyPort {
  writer: DurableWriter;
  /** Sockets of `role` whose durable stream is on hold during a replay (ReplayHold). */
  held(role: Role): ReadonlySet<string>;
  /** Queues the message for held sockets of `role` in `rooms`; they get it when their replay ends. */
  hold(role: Role, rooms: ReadonlySet<string>, envelope: Envelope<DurableType>): void;
  /** A retry from the job scheduler (BullMQ's per-node `redelivery` queue in the redis engine). */
  scheduleRetry(messageId: string, delayMs: number): Promise<void>;
  cancelRetry(messageId: string): Promise<void>;
  /** Runs work that must not throw into a timer (logs failures). */
  background(what: string, work: Promise<void>): void;
  warn(detail: Record<string, unknown>, message: string): void;
  /** Stores and announces the letter (dead letters, metrics, admins' DELIVERY_FAILED alert). */
  deadLettered(letter: DeadLetter, envelope: Envelope<DurableType>): Promise<void>;
  delivered(type: string, tenantId: string, sockets: number): void;
  ackLatency(ms: number): void;
  retried(): void;
  /** Every acknowledgement of a message by a socket (escalation by acknowledgement reads it). */
  acknowledged(envelope: Envelope<DurableType>, from: AckingSocket): void;
}

export interface DeliveryPolicyOptions {
  /** The first retry's delay; each further one doubles it (DELIVERY_BACKOFF_MS). */
  backoffMs: number;
  /** Deliveries in all before the message becomes a dead letter (DELIVERY_MAX_ATTEMPTS). */
  maxAttempts: number;
}

/**
 * Durable delivery on this node: writes a message to the sockets it addresses (once per
 * namespace, one encoding), counts acknowledgements per user, retries with backoff those who
 * did not acknowledge (skipping sockets still working through their backlog, retry-gate.ts) and,
 * after `maxAttempts`, dead-letters the message. Touches sockets only through DurableWriter.
 */
export class DeliveryPolicy {
  private readonly pending = new Map<string, Pending>();
  /** Every socket's acknowledgement time on this node: what a socket without its own measure gets. */
  private readonly nodeAckTime: AckTime = {};

  constructor(
    private readonly port: DeliveryPolicyPort,
    private readonly opts: DeliveryPolicyOptions,
  ) {}

  /** Messages waiting for acknowledgement on this node. */
  get pendingCount(): number {
    return this.pending.size;
  }

  clear(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  /** First delivery of a new message to the sockets of `targets` on this node. */
  fanOut(envelope: Envelope<DurableType>, targets: Targets, publishedAt: number): void {
    const p = pendingOf(envelope, publishedAt, 1);
    const { writer } = this.port;
    for (const role of Object.keys(targets) as Role[]) {
      const rooms = new Set(targets[role]);
      const held = this.port.held(role);
      const reached = writer.reach(role, rooms, held, p.waiting);
      if (held.size > 0) this.port.hold(role, rooms, envelope);
      // Durable fan-out is local (other nodes get it from the cluster bus): no socket, no write.
      if (reached > 0) this.broadcast(role, rooms, held, p);
    }
    if (p.waiting.size > 0) {
      this.pending.set(envelope.id, p);
      this.schedule(p);
    }
  }

  /** Stored messages written to one connection (a replay), each with its ack callback. */
  writeTo(link: Link, envelopes: Iterable<Envelope<DurableType>>): number {
    const { userKey, tenantId } = link.session;
    let n = 0;
    for (const envelope of envelopes) {
      this.pending.get(envelope.id)?.waiting.add(userKey);
      this.port.writer.write(link, [envelope.type, envelope], (from) => {
        this.port.acknowledged(envelope, from);
        this.acked(envelope.id, from);
      });
      n++;
    }
    if (n > 0) this.port.delivered('replay', tenantId, n);
    return n;
  }

  /** A dead letter delivered again to its recipients that are online here, as a new first attempt. */
  requeue(envelope: Envelope<DurableType>, userKeys: Iterable<string>): void {
    const p = pendingOf(envelope, Date.now(), 0);
    this.pending.set(envelope.id, p);
    this.sendToUsers(p, new Set(userKeys), new Set());
    this.afterAttempt(p);
  }

  /** The next attempt for a message (from the retry timer or the job scheduler). */
  async redeliver(messageId: string): Promise<void> {
    const p = this.pending.get(messageId);
    if (!p) return;
    // Users with no socket left here will get the message by replay when they come back.
    for (const key of p.waiting) if (!this.online(key)) p.waiting.delete(key);
    if (p.waiting.size === 0) return this.finish(p);
    if (p.attempts >= this.opts.maxAttempts) return this.deadLetter(p);
    p.attempts++;
    const skip = behind(
      p,
      this.port.writer,
      (role) => this.port.held(role),
      this.opts.backoffMs,
      this.nodeAckTime,
    );
    if (this.sendToUsers(p, p.waiting, skip) > 0) this.port.retried();
    this.afterAttempt(p);
  }

  private broadcast(role: Role, rooms: ReadonlySet<string>, except: ReadonlySet<string>, p: Pending): number {
    const id = p.envelope.id;
    const { written, packetId } = this.port.writer.broadcast(
      role,
      rooms,
      except,
      (p.args ??= [p.envelope.type, p.envelope]),
      (from, packet) => {
        this.port.acknowledged(p.envelope, from);
        this.acked(id, from, packet);
      },
    );
    if (packetId !== undefined) p.packets.push([role, packetId]);
    this.port.delivered(p.envelope.type, p.envelope.tenantId, written);
    return written;
  }

  private acked(messageId: string, from: AckingSocket, packetId?: number): void {
    const now = Date.now();
    from.tracking.lastAckAt = now;
    if (packetId !== undefined && packetId > (from.tracking.lastAckId ?? -1))
      from.tracking.lastAckId = packetId;
    const p = this.pending.get(messageId);
    // This role's copies: how many, and the first (read without an array: once per ack).
    let copies = 0;
    let first: number | undefined;
    if (p) for (const [role, id] of p.packets) if (role === from.role && copies++ === 0) first = id;
    // The socket's (and node's) usual ack time, from first copies only (an ack names its packet,
    // so no Karn's rule is needed); replays (no packet id) say nothing about the socket.
    if (p && packetId !== undefined && packetId === first) {
      observeAckTime(from.tracking, now - p.sentAt);
      observeAckTime(this.nodeAckTime, now - p.sentAt);
    }
    if (!p || !p.waiting.delete(from.userKey)) return;
    this.port.ackLatency(now - p.publishedAt);
    // The user's sessions need not ack it any more: drop their callbacks, this socket's other copies
    // too (one whose handler failed would stay owed and make it look behind for good, retry-gate.ts).
    const sessions = this.port.writer.members(from.role, from.userRoom);
    if (sessions && (sessions.size > 1 || copies > 1))
      this.port.writer.dropAcks(from.role, sessions, packetIdsOf(p, from.role));
    if (p.waiting.size === 0) this.finish(p);
  }

  /**
   * The wait for the first acknowledgements is a local timer: nearly every message is acked
   * within milliseconds, and a queue job per message (added, then removed) costs two Redis
   * scripts on the hot path. Once a retry is really needed, retries go through the job scheduler.
   */
  private schedule(p: Pending): void {
    const delay = this.opts.backoffMs * 2 ** (p.attempts - 1);
    const id = p.envelope.id;
    if (p.attempts <= 1) {
      // setImmediate: acknowledgements that arrived with this turn's I/O are read first.
      p.timer = setTimeout(
        () => setImmediate(() => this.port.background('redelivery', this.redeliver(id))),
        delay,
      );
      p.timer.unref();
      return;
    }
    p.queued = true;
    this.port.scheduleRetry(id, delay).catch((err: unknown) => {
      // The queue is unreachable: retry from a local timer rather than never.
      this.port.warn({ err, messageId: id }, 'redelivery not queued; using a local timer');
      setTimeout(() => this.port.background('redelivery', this.redeliver(id)), delay).unref();
    });
  }

  private afterAttempt(p: Pending): void {
    if (p.waiting.size === 0) this.finish(p);
    else this.schedule(p);
  }

  /** Writes the message to the user rooms of `keys`, one broadcast per namespace, except `except`. */
  private sendToUsers(p: Pending, keys: Set<string>, except: Set<string>): number {
    const byRole = new Map<Role, Set<string>>();
    for (const key of keys) {
      const { role, room, ids } = this.port.writer.socketsOf(key);
      if (!ids?.size) continue;
      let rooms = byRole.get(role);
      if (!rooms) byRole.set(role, (rooms = new Set()));
      rooms.add(room);
      p.waiting.add(key);
    }
    if (p.attempts === 0) p.attempts = 1;
    let written = 0;
    for (const [role, rooms] of byRole) written += this.broadcast(role, rooms, except, p);
    return written;
  }

  private online(key: string): boolean {
    return (this.port.writer.socketsOf(key).ids?.size ?? 0) > 0;
  }

  private finish(p: Pending): void {
    this.pending.delete(p.envelope.id);
    clearTimeout(p.timer);
    if (p.queued) this.port.background('redelivery cancel', this.port.cancelRetry(p.envelope.id));
    // Sockets that never acked keep an ack callback per attempt; drop them.
    for (const key of p.waiting) {
      const { role, ids } = this.port.writer.socketsOf(key);
      if (ids) this.dropAcks(role, ids, p);
    }
  }

  private dropAcks(role: Role, socketIds: Iterable<string>, p: Pending): void {
    this.port.writer.dropAcks(role, socketIds, packetIdsOf(p, role));
  }

  private async deadLetter(p: Pending): Promise<void> {
    const userKeys = [...p.waiting];
    this.finish(p);
    const letter: DeadLetter = {
      messageId: p.envelope.id,
      type: p.envelope.type,
      tenantId: p.envelope.tenantId,
      recipients: userKeys.map((k) => parseUserKey(k).userId),
      userKeys,
      attempts: p.attempts,
      lastError: `no acknowledgement after ${p.attempts} attempts`,
      at: new Date().toISOString(),
    };
    await this.port.deadLettered(letter, p.envelope);
  }
}

/** A message waiting for acknowledgements, written by this node from now on. */
function pendingOf(envelope: Envelope<DurableType>, publishedAt: number, attempts: number): Pending {
  return { envelope, publishedAt, sentAt: Date.now(), waiting: new Set(), attempts, packets: [] };
}

/** The packet ids of the message's writes to `role`'s sockets, the first (at `sentAt`) first. */
function packetIdsOf(p: Pending, role: Role): number[] {
  const ids: number[] = [];
  for (const [packetRole, packetId] of p.packets) if (packetRole === role) ids.push(packetId);
  return ids;
}
