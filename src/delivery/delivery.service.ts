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
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { background } from '../util/background.js';
import { keepJson } from '../util/encoded-json.js';
import { HubEvents } from '../util/hub-events.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { ClusterBus } from '../engine/cluster-bus.js';
import { parseCursor } from '../engine/cursor.js';
import { CLUSTER_BUS, JOB_SCHEDULER, MESSAGE_STORE } from '../engine/engine.tokens.js';
import type { JobScheduler } from '../engine/job-scheduler.js';
import type { DeadLetter, MessageStore, StoredMessage } from '../engine/message-store.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { type Audience, route } from '../routing/routing.table.js';
import { EnvelopeFactory } from './envelope.factory.js';
import type { Link } from '../session/link.js';
import { Connections } from '../transport/connections.js';
import { DeliveryPolicy } from './delivery-policy.js';
import { ReplayHold } from './replay-hold.js';
import { DeliverySequencer } from './sequencer.js';

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
  /**
   * The hub's own reminder of a message already handed on (an unseen order's urgent copy,
   * docs/protocol.md section 14): delivered and logged, not announced as published (webhooks).
   */
  reminder?: boolean;
  publishedAt?: number;
}

/**
 * Publishing: durable messages are stored (which gives them a cursor), handed to the other nodes
 * and, in log order (DeliverySequencer), to DeliveryPolicy, which writes them to this node's
 * sockets, counts acknowledgements, retries and dead-letters. Volatile messages are written and
 * forgotten.
 */
@Injectable()
export class DeliveryService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  /** New durable messages, local and from other nodes, reach this node's sockets in log order. */
  private readonly sequencer: DeliverySequencer;
  private readonly policy: DeliveryPolicy;
  /** New orders whose `order.seen` this node has said (once per envelope: escalation.service). */
  private readonly seenHere = new WeakSet<object>();

  constructor(
    @InjectLogger(DeliveryService.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(MESSAGE_STORE) private readonly store: MessageStore,
    @Inject(JOB_SCHEDULER) private readonly jobs: JobScheduler,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    private readonly connections: Connections,
    private readonly replayHold: ReplayHold,
    private readonly envelopes: EnvelopeFactory,
    private readonly metrics: MetricsService,
    private readonly events: HubEvents,
  ) {
    this.policy = new DeliveryPolicy(
      {
        writer: connections.durableWriter(),
        held: (role) => this.replayHold.held(role),
        hold: (role, rooms, envelope) => this.replayHold.queue(role, rooms, envelope),
        scheduleRetry: (id, delayMs) => this.jobs.schedule('redelivery', id, delayMs),
        cancelRetry: (id) => this.jobs.cancel('redelivery', id),
        background: (what, work) => background(this.logger, what, work),
        warn: (detail, message) => this.logger.warn(detail, message),
        deadLettered: (letter, envelope) => this.deadLettered(letter, envelope),
        delivered: (type, tenantId, n) => this.metrics.recordDelivered(type, tenantId, n),
        ackLatency: (ms) => this.metrics.recordAckLatency(ms),
        retried: () => this.metrics.retries.inc(),
        acknowledged: (envelope, from) => {
          // A crew device received a new order (docs/protocol.md section 14, escalation): said
          // once per copy of the envelope here (its other crew's acks would change nothing).
          if (envelope.type !== 'order.created' || from.role !== 'crew' || this.seenHere.has(envelope))
            return;
          this.seenHere.add(envelope);
          if (this.events.has('order.seen'))
            void this.events.emit('order.seen', {
              envelope: envelope as Envelope<'order.created'>,
              userKey: from.userKey,
            });
        },
      },
      { backoffMs: config.delivery.backoffMs, maxAttempts: config.delivery.maxAttempts },
    );
    this.sequencer = new DeliverySequencer({
      release: (m) => this.policy.fanOut(m.envelope, m.targets, m.publishedAt),
      head: async (tenantId) => parseCursor((await this.store.head(tenantId)) ?? '')!,
      read: (tenantId, epoch, from, to, limit) => this.store.readRange(tenantId, epoch, from, to, limit),
      failed: (err, what) => this.logger.warn({ err }, `delivery order: ${what} failed; trying again`),
      skipped: (count, why) => {
        this.metrics.gapSkips.inc({ reason: why }, count);
        if (why === 'bound') this.logger.error({ count }, 'delivery order: seqs skipped at the bound');
      },
      filled: (count) => this.metrics.gapReads.inc(count),
      present: (tenantId) => this.connections.hasTenant(tenantId),
    });
  }

  onModuleInit(): void {
    this.jobs.handle('redelivery', (messageId) => this.policy.redeliver(messageId));
  }

  /** Other nodes' durable messages are delivered to this node's sockets like local ones. */
  onApplicationBootstrap(): void {
    this.bus.bind(this.connections.channel(), (m) =>
      m.again ? this.policy.fanOut(m.envelope, m.targets, m.publishedAt) : this.sequencer.offer(m),
    );
    this.sequencer.start();
  }

  onApplicationShutdown(): void {
    this.sequencer.stop();
    this.policy.clear();
  }

  /**
   * Durable publish: resolves once the message is stored. It is written to this node's sockets
   * then, or, on a cluster, once every message before it in the log was (DeliverySequencer).
   */
  async publish<T extends DurableType>(input: PublishInput<T>): Promise<Envelope<T>> {
    if (input.id && !input.fresh) {
      // A retried service job: the message may be stored already; deliver it again (at least once).
      const stored = await this.store.get(input.tenantId, input.id);
      if (stored) {
        this.policy.fanOut(stored.envelope, stored.targets, stored.publishedAt);
        this.bus.publish({ ...stored, again: true });
        return stored.envelope as Envelope<T>;
      }
    }
    const message = this.prepare(input);
    await this.store.append(message.envelope, message.targets, message.publishedAt);
    this.release(message, !input.reminder);
    return message.envelope as Envelope<T>;
  }

  /**
   * A new durable message, addressed but not stored yet: for a write that stores it in the same
   * step as an order change (OrderStore.place and update), after which it goes to release().
   */
  prepare<T extends DurableType>(input: PublishInput<T>): StoredMessage<T> {
    const publishedAt = input.publishedAt ?? Date.now();
    const envelope = this.envelopes.create(
      input.type,
      input.tenantId,
      input.data,
      input.sender,
      publishedAt,
      input.id,
    );
    envelope.requiresAck = true;
    const targets = route(input.type, { ...input.audience, tenantId: input.tenantId });
    return { envelope: envelope as Envelope<T>, targets, publishedAt };
  }

  /**
   * A stored message (it has its cursor) to every node's sockets: see publish(). Announced as
   * published (webhooks) unless `announce` is false: a reminder (PublishInput.reminder).
   */
  release(stored: StoredMessage, announce = true): void {
    // Its JSON once, for the bus to the other nodes and the encoder to this node's sockets
    // (util/encoded-json.ts); the envelope is frozen from here on.
    keepJson(stored.envelope);
    if (announce && this.events.has('message.published')) {
      void this.events.emit('message.published', { envelope: stored.envelope });
    }
    this.bus.publish(stored);
    // Written here once every earlier seq was (see DeliverySequencer): at once, on one node.
    this.sequencer.offer(stored);
  }

  /**
   * A socket of the tenant is starting here: its log's order is learnt before the socket reads
   * its cursor (DeliverySequencer.attach), and kept while the tenant has sockets here.
   */
  attach(tenantId: string): Promise<void> {
    return this.sequencer.attach(tenantId);
  }

  /** Volatile publish: best effort, never stored or replayed. */
  emitVolatile<T extends ServerEventType>(input: PublishInput<T>): void {
    const targets = route(input.type, { ...input.audience, tenantId: input.tenantId });
    let envelope: Envelope<T> | undefined;
    for (const role of Object.keys(targets) as Role[]) {
      if (!this.connections.mayReach(role, targets[role]!)) continue;
      envelope ??= this.envelopes.create(input.type, input.tenantId, input.data, input.sender);
      this.connections.emit(role, targets[role]!, this.replayHold.held(role), input.type, envelope);
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
    this.connections.emitLocal(role, room, type, this.envelopes.create(type, tenantId, data));
  }

  /** A message to every socket of a namespace on this node: volatile. */
  emitToAllLocal<T extends ServerEventType>(
    role: Role,
    type: T,
    tenantId: string,
    data: ServerEventMap[T],
  ): void {
    this.connections.emitLocal(role, undefined, type, this.envelopes.create(type, tenantId, data));
  }

  /** A message to one connection of this node: volatile. */
  emitTo<T extends ServerEventType>(link: Link, type: T, data: ServerEventMap[T]): void {
    link.emit(type, this.envelopes.create(type, link.session.tenantId, data));
  }

  /** The envelope of a message, not sent (for a caller that sends it itself). */
  envelope<T extends ServerEventType>(type: T, tenantId: string, data: ServerEventMap[T]): Envelope<T> {
    return this.envelopes.create(type, tenantId, data);
  }

  /** Writes stored durable messages to one connection (replay), each with its ack callback. */
  writeDurable(link: Link, envelopes: Iterable<Envelope<DurableType>>): number {
    return this.policy.writeTo(link, envelopes);
  }

  /** Messages waiting for acknowledgement on this node. */
  pendingCount(): number {
    return this.policy.pendingCount;
  }

  /** Delivers a dead letter again to its recipients that are online here. */
  async requeue(letter: DeadLetter): Promise<void> {
    const stored = await this.store.get(letter.tenantId, letter.messageId);
    if (stored) this.policy.requeue(stored.envelope, letter.userKeys);
  }

  private async deadLettered(letter: DeadLetter, envelope: Envelope<DurableType>): Promise<void> {
    await this.store.addDeadLetter(letter);
    this.metrics.deadLetters.inc();
    this.logger.warn(
      { messageId: letter.messageId, type: letter.type, recipients: letter.recipients },
      'dead letter',
    );
    void this.events.emit('delivery.dead_lettered', { letter, envelope });
  }
}
