import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type {
  DurableType,
  Envelope,
  Role,
  Sender,
  ServerEventMap,
  ServerEventType,
} from '@orderwire/contracts';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { RUNTIME } from '../auth/session.js';
import { background } from '../common/background.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { ClusterBus, FanoutMessage } from '../engine/cluster-bus.js';
import { parseCursor } from '../engine/cursor.js';
import { CLUSTER_BUS, JOB_SCHEDULER, MESSAGE_STORE } from '../engine/engine.tokens.js';
import type { JobScheduler } from '../engine/job-scheduler.js';
import type { DeadLetter, MessageStore, Targets } from '../engine/message-store.js';
import { MetricsService } from '../monitoring/metrics.service.js';
import { parseUserKey, Rooms } from '../routing/rooms.js';
import { type Audience, route } from '../routing/routing.table.js';
import { EnvelopeFactory } from './envelope.factory.js';
import { acksOf, type AdapterInternals, type HubNamespace, HubServer, type HubSocket } from './hub-server.js';
import { DeliverySequencer } from './sequencer.js';

/** Socket.IO parser packet type of an event. */
const EVENT_PACKET = 2;

export interface PublishInput<T extends ServerEventType> {
  type: T;
  tenantId: string;
  data: ServerEventMap[T];
  sender?: Sender;
  audience: Omit<Audience, 'tenantId'>;
  /** A message id chosen upstream (service publishes), so that a retried job is the same message. */
  id?: string;
  /** The id is new (not a retry): no need to look for it in the store first. */
  fresh?: boolean;
  publishedAt?: number;
}

/** A durable message still waiting for acknowledgements on this node. */
interface Pending {
  envelope: Envelope<DurableType>;
  publishedAt: number;
  /** User keys that received it here and have not acknowledged yet. */
  waiting: Set<string>;
  attempts: number;
  /** Socket.IO packet ids used per namespace, so that stale ack callbacks can be dropped. */
  packets: Array<[Role, number]>;
  /** The in-process wait for the first acknowledgements (see schedule). */
  timer?: NodeJS.Timeout;
  /** Whether a retry was handed to the job scheduler (BullMQ in the redis engine). */
  queued?: boolean;
  /** The event's arguments, one array for every namespace and attempt (encoded once, see HubEncoder). */
  args?: unknown[];
}

/** A local socket or a RemoteSocket from fetchSockets(). */
type OneSocket = Pick<HubSocket, 'data'> & { emit: unknown };

type DeadLetterListener = (letter: DeadLetter, envelope: Envelope<DurableType>) => void;

/**
 * The only place that writes to client sockets. Durable messages are stored (which gives them a
 * cursor), written once per namespace with a single encoding, acknowledged per user, retried with
 * backoff and, failing that, dead-lettered. Volatile messages are written and forgotten.
 */
@Injectable()
export class DeliveryService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly pending = new Map<string, Pending>();
  private readonly deadLetterListeners: DeadLetterListener[] = [];
  /** New durable messages, local and from other nodes, reach this node's sockets in log order. */
  private readonly sequencer: DeliverySequencer;

  constructor(
    @InjectPinoLogger(DeliveryService.name) private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MESSAGE_STORE) private readonly store: MessageStore,
    @Inject(JOB_SCHEDULER) private readonly jobs: JobScheduler,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    private readonly server: HubServer,
    private readonly envelopes: EnvelopeFactory,
    private readonly metrics: MetricsService,
  ) {
    this.sequencer = new DeliverySequencer({
      release: (m) => this.fanOut(m.envelope, m.targets, m.publishedAt),
      head: async () => parseCursor(await this.store.head())!,
      read: (epoch, from, to, limit) => this.store.readRange(epoch, from, to, limit),
      failed: (err, what) => this.logger.warn({ err }, `delivery order: ${what} failed; trying again`),
      skipped: (count, why) => {
        this.metrics.gapSkips.inc({ reason: why }, count);
        if (why === 'bound') this.logger.error({ count }, 'delivery order: seqs skipped at the bound');
      },
      filled: (count) => this.metrics.gapReads.inc(count),
    });
  }

  onModuleInit(): void {
    this.jobs.handle('redelivery', (messageId) => this.redeliver(messageId));
  }

  /** Other nodes' durable messages are delivered to this node's sockets like local ones. */
  onApplicationBootstrap(): void {
    const nsp = this.server.nsp('customer');
    if (nsp)
      this.bus.bind(nsp as never, (m) =>
        m.again ? this.fanOut(m.envelope, m.targets, m.publishedAt) : this.sequencer.offer(m),
      );
    void this.sequencer.start();
  }

  onApplicationShutdown(): void {
    this.sequencer.stop();
    this.pending.clear();
  }

  onDeadLetter(listener: DeadLetterListener): void {
    this.deadLetterListeners.push(listener);
  }

  /**
   * Durable publish: resolves once the message is stored. It is written to this node's sockets
   * then, or, on a cluster, once every message before it in the log was (DeliverySequencer).
   */
  async publish<T extends DurableType>(input: PublishInput<T>): Promise<Envelope<T>> {
    const now = input.publishedAt ?? Date.now();
    if (input.id && !input.fresh) {
      // A retried service job: the message may be stored already; deliver it again (at least once).
      const stored = await this.store.get(input.id);
      if (stored) {
        this.fanOut(stored.envelope, stored.targets, stored.publishedAt);
        this.bus.publish({ ...stored, again: true });
        return stored.envelope as Envelope<T>;
      }
    }
    const envelope = this.envelopes.create(
      input.type,
      input.tenantId,
      input.data,
      input.sender,
      now,
      input.id,
    );
    envelope.requiresAck = true;
    const targets = route(input.type, { ...input.audience, tenantId: input.tenantId });
    await this.store.append(envelope as Envelope<DurableType>, targets, now);
    const message: FanoutMessage = { envelope: envelope as Envelope<DurableType>, targets, publishedAt: now };
    this.bus.publish(message);
    // Written here once every earlier seq was (see DeliverySequencer): at once, on one node.
    this.sequencer.offer(message);
    return envelope;
  }

  /** Volatile publish: best effort, never stored or replayed. */
  emitVolatile<T extends ServerEventType>(input: PublishInput<T>): void {
    const targets = route(input.type, { ...input.audience, tenantId: input.tenantId });
    let envelope: Envelope<T> | undefined;
    for (const role of Object.keys(targets) as Role[]) {
      const nsp = this.server.nsp(role);
      if (!nsp || !this.server.mayReach(role, targets[role]!)) continue;
      envelope ??= this.envelopes.create(input.type, input.tenantId, input.data, input.sender);
      nsp
        .to(targets[role]!)
        .except([...this.server.held(role)])
        .emit(input.type as string, envelope);
    }
  }

  /** A message to one room of one namespace, on this node only (each node sends its own metrics). */
  emitToLocalRoom<T extends ServerEventType>(
    role: Role,
    room: string,
    type: T,
    tenantId: string,
    data: ServerEventMap[T],
  ): void {
    const nsp = this.server.nsp(role);
    if (!nsp) return;
    nsp.local.to(room).emit(type as string, this.envelopes.create(type, tenantId, data));
  }

  /** A message to every socket of a namespace on this node: volatile. */
  emitToAllLocal<T extends ServerEventType>(
    role: Role,
    type: T,
    tenantId: string,
    data: ServerEventMap[T],
  ): void {
    this.server.nsp(role)?.local.emit(type as string, this.envelopes.create(type, tenantId, data));
  }

  /** A message to one socket, here or (fetched) on another node: volatile. */
  emitTo<T extends ServerEventType>(socket: OneSocket, type: T, data: ServerEventMap[T]): void {
    const envelope = this.envelopes.create(type, socket.data.session.tenantId, data);
    (socket.emit as (ev: string, ...args: unknown[]) => boolean)(type, envelope);
  }

  /** Writes stored durable messages to one socket (replay), each with its ack callback. */
  writeDurable(socket: HubSocket, envelopes: Iterable<Envelope<DurableType>>): number {
    const { userKey } = socket.data.session;
    let n = 0;
    for (const envelope of envelopes) {
      this.pending.get(envelope.id)?.waiting.add(userKey);
      (socket.emit as (ev: string, ...args: unknown[]) => boolean)(
        envelope.type,
        envelope,
        this.ackFor(envelope.id, undefined),
      );
      n++;
    }
    if (n > 0) this.metrics.recordDelivered('replay', socket.data.session.tenantId, n);
    return n;
  }

  /** Messages waiting for acknowledgement on this node. */
  pendingCount(): number {
    return this.pending.size;
  }

  /** Delivers a dead letter again to its recipients that are online here. */
  async requeue(letter: DeadLetter): Promise<void> {
    const stored = await this.store.get(letter.messageId);
    if (!stored) return;
    const p: Pending = {
      envelope: stored.envelope,
      publishedAt: Date.now(),
      waiting: new Set(),
      attempts: 0,
      packets: [],
    };
    this.pending.set(stored.envelope.id, p);
    this.sendToUsers(p, new Set(letter.userKeys), new Set());
    this.afterAttempt(p);
  }

  private fanOut(envelope: Envelope<DurableType>, targets: Targets, publishedAt: number): void {
    const p: Pending = { envelope, publishedAt, waiting: new Set(), attempts: 1, packets: [] };
    for (const role of Object.keys(targets) as Role[]) {
      const nsp = this.server.nsp(role);
      if (!nsp) continue;
      const rooms = new Set(targets[role]);
      const held = this.server.held(role);
      let reached = 0;
      (nsp.adapter as unknown as AdapterInternals).apply({ rooms, except: held }, (socket) => {
        p.waiting.add(socket.data.session.userKey);
        reached++;
      });
      if (held.size > 0) this.hold(nsp, held, rooms, envelope);
      // Durable fan-out is local (other nodes get it from the cluster bus): no socket, no write.
      if (reached > 0) this.broadcast(nsp, role, rooms, held, p);
    }
    if (p.waiting.size > 0) {
      this.pending.set(envelope.id, p);
      this.schedule(p);
    }
  }

  /** Queues the message on held sockets that it addresses; they get it when their replay ends. */
  private hold(
    nsp: HubNamespace,
    held: Set<string>,
    rooms: Set<string>,
    envelope: Envelope<DurableType>,
  ): void {
    for (const id of held) {
      const socket = nsp.sockets.get(id);
      if (!socket) continue;
      for (const room of rooms) {
        if (socket.rooms.has(room)) {
          (socket.data.session[RUNTIME].held ??= []).push(envelope);
          break;
        }
      }
    }
  }

  private broadcast(
    nsp: HubNamespace,
    role: Role,
    rooms: Set<string>,
    except: Set<string>,
    p: Pending,
  ): number {
    const packet: { type: number; data: unknown[]; nsp: string; id?: number } = {
      type: EVENT_PACKET,
      data: (p.args ??= [p.envelope.type, p.envelope]),
      nsp: nsp.name,
    };
    let written = 0;
    nsp.adapter.broadcastWithAck(
      packet as never,
      { rooms, except, flags: { local: true } },
      (count) => (written = count),
      this.ackFor(p.envelope.id, packet),
    );
    if (packet.id !== undefined) p.packets.push([role, packet.id]);
    this.metrics.recordDelivered(p.envelope.type, p.envelope.tenantId, written);
    return written;
  }

  /**
   * One ack callback per message and attempt; Socket.IO calls it with the acking socket as `this`.
   * `packet` is the broadcast's packet, whose id Socket.IO assigns as it writes it.
   */
  private ackFor(messageId: string, packet: { id?: number } | undefined): (this: HubSocket) => void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- Socket.IO binds `this` to the socket
    const delivery = this;
    return function (this: HubSocket) {
      delivery.acked(messageId, this, packet?.id);
    };
  }

  private acked(messageId: string, socket: HubSocket, packetId: number | undefined): void {
    if (!socket?.data?.session) return;
    const session = socket.data.session;
    const runtime = session[RUNTIME];
    const now = Date.now();
    runtime.lastAckAt = now;
    if (packetId !== undefined && packetId > (runtime.lastAckId ?? -1)) runtime.lastAckId = packetId;
    const p = this.pending.get(messageId);
    if (!p || !p.waiting.delete(session.userKey)) return;
    this.metrics.recordAckLatency(now - p.publishedAt);
    // The user's other sessions need not ack any more: drop their callbacks for this message.
    const role = session.role;
    const room = (runtime.userRoom ??= Rooms.user(session.tenantId, session.userId));
    const siblings = this.server.nsp(role)?.adapter.rooms.get(room);
    if (siblings && siblings.size > 1) this.dropAcks(role, siblings, p, socket.id);
    if (p.waiting.size === 0) this.finish(p);
  }

  /**
   * The wait for the first acknowledgements is a local timer: nearly every message is acked
   * within milliseconds, and a queue job per message (added, then removed) cost two Redis
   * scripts on the hot path. Once a retry is really needed, the retries go through the job
   * scheduler (BullMQ's per-node `redelivery` queue in the redis engine).
   */
  private schedule(p: Pending): void {
    const delay = this.config.delivery.backoffMs * 2 ** (p.attempts - 1);
    const id = p.envelope.id;
    if (p.attempts <= 1) {
      // setImmediate: acknowledgements that arrived with this turn's I/O are read first.
      p.timer = setTimeout(
        () => setImmediate(() => background(this.logger, 'redelivery', this.redeliver(id))),
        delay,
      );
      p.timer.unref();
      return;
    }
    p.queued = true;
    this.jobs.schedule('redelivery', id, delay).catch((err: unknown) => {
      // The queue is unreachable: retry from a local timer rather than never.
      this.logger.warn({ err, messageId: id }, 'redelivery not queued; using a local timer');
      setTimeout(() => background(this.logger, 'redelivery', this.redeliver(id)), delay).unref();
    });
  }

  private async redeliver(messageId: string): Promise<void> {
    const p = this.pending.get(messageId);
    if (!p) return;
    // Users with no socket left here will get the message by replay when they come back.
    for (const key of p.waiting) if (!this.online(key)) p.waiting.delete(key);
    if (p.waiting.size === 0) return this.finish(p);
    if (p.attempts >= this.config.delivery.maxAttempts) return this.deadLetter(p);
    p.attempts++;
    if (this.sendToUsers(p, p.waiting, this.behind(p)) > 0) this.metrics.retries.inc();
    this.afterAttempt(p);
  }

  /**
   * Sockets whose copy is most likely still on its way: sending it again would only make a
   * duplicate (TCP loses nothing on a live connection). A socket is behind when it still owes an
   * acknowledgement for something written before its first copy (it processes in order and has
   * not got this far), or when it acknowledged something within the backoff but nothing written
   * after its last copy (it is working through its backlog). A socket that acknowledged later
   * messages (its handler failed on this one) or that has been quiet for the backoff with this
   * message first in line gets it again. A retry that skips a socket still counts as an attempt,
   * so a socket that never catches up ends in the dead letters as before.
   */
  private behind(p: Pending): Set<string> {
    const out = new Set<string>();
    const now = Date.now();
    for (const key of p.waiting) {
      const { role, ids } = this.userSockets(key);
      const nsp = this.server.nsp(role);
      if (!nsp) continue;
      for (const id of ids ?? []) {
        const socket = nsp.sockets.get(id);
        const runtime = socket?.data.session?.[RUNTIME];
        if (!socket || !runtime) continue;
        // This socket's copies are the packets of this message it still owes an ack for;
        // Socket.IO keeps them in write order.
        const owed = acksOf(socket);
        let first = -1;
        let last = -1;
        for (const [packetRole, packetId] of p.packets) {
          if (packetRole !== role || !owed.has(packetId)) continue;
          if (first < 0) first = packetId;
          last = packetId;
        }
        if (first < 0 || (runtime.lastAckId ?? -1) > last) continue;
        const oldest = owed.keys().next().value as number;
        if (oldest < first || now - (runtime.lastAckAt ?? 0) < this.config.delivery.backoffMs) out.add(id);
      }
    }
    return out;
  }

  private afterAttempt(p: Pending): void {
    if (p.waiting.size === 0) {
      this.finish(p);
      return;
    }
    this.schedule(p);
  }

  /**
   * Writes the message to the user rooms of `keys`, one broadcast per namespace, passing `except`
   * by; returns the number of sockets written to.
   */
  private sendToUsers(p: Pending, keys: Set<string>, except: Set<string>): number {
    const byRole = new Map<Role, Set<string>>();
    for (const key of keys) {
      const { role, room, ids } = this.userSockets(key);
      if (!ids?.size) continue;
      let rooms = byRole.get(role);
      if (!rooms) byRole.set(role, (rooms = new Set()));
      rooms.add(room);
      p.waiting.add(key);
    }
    if (p.attempts === 0) p.attempts = 1;
    let written = 0;
    for (const [role, rooms] of byRole)
      written += this.broadcast(this.server.nsp(role)!, role, rooms, except, p);
    return written;
  }

  private online(key: string): boolean {
    return (this.userSockets(key).ids?.size ?? 0) > 0;
  }

  /** A user key's role and room, and the ids of that user's sockets on this node. */
  private userSockets(key: string): { role: Role; room: string; ids: Set<string> | undefined } {
    const { role, tenantId, userId } = parseUserKey(key);
    const room = Rooms.user(tenantId, userId);
    return { role, room, ids: this.server.nsp(role)?.adapter.rooms.get(room) };
  }

  private finish(p: Pending): void {
    this.pending.delete(p.envelope.id);
    clearTimeout(p.timer);
    if (p.queued) background(this.logger, 'redelivery cancel', this.jobs.cancel('redelivery', p.envelope.id));
    this.dropStaleAcks(p);
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
    await this.store.addDeadLetter(letter);
    this.metrics.deadLetters.inc();
    this.logger.warn(
      { messageId: letter.messageId, type: letter.type, recipients: letter.recipients },
      'dead letter',
    );
    for (const listener of this.deadLetterListeners) listener(letter, p.envelope);
  }

  /** Sockets that never acked keep an ack callback per attempt; drop them once the message is done. */
  private dropStaleAcks(p: Pending): void {
    for (const key of p.waiting) {
      const { role, ids } = this.userSockets(key);
      if (ids) this.dropAcks(role, ids, p);
    }
  }

  private dropAcks(role: Role, socketIds: Iterable<string>, p: Pending, except?: string): void {
    const nsp = this.server.nsp(role);
    if (!nsp) return;
    for (const id of socketIds) {
      const socket = id === except ? undefined : nsp.sockets.get(id);
      if (!socket) continue;
      for (const [packetRole, packetId] of p.packets)
        if (packetRole === role) acksOf(socket).delete(packetId);
    }
  }
}
