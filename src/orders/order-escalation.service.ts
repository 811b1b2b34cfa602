import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import type { Envelope, Order, Sender } from '@orderwire/contracts';
import { DEFAULT_ACK_ESCALATE_SECONDS, placedAt } from '@orderwire/contracts';
import { DeliveryService } from '../delivery/delivery.service.js';
import { ORDER_STORE, ORDER_WATCH } from '../engine/engine.tokens.js';
import type { OrderStore } from '../engine/order-store.js';
import type { OrderWatch, WatchEntry } from '../engine/order-watch.js';
import { AlertsService } from '../monitoring/alerts.service.js';
import { parseUserKey, Rooms } from '../routing/rooms.js';
import { Connections } from '../transport/connections.js';
import { background } from '../util/background.js';
import { CLOCK, type Clock, systemClock } from '../util/clock.js';
import { HubEvents } from '../util/hub-events.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { MenuService } from './menu.service.js';
import { OrdersService, stationsOf } from './orders.service.js';

/** How often every node claims the steps that are due. */
export const WATCH_SWEEP_MS = 1000;
const SWEEP_BATCH = 200;
/**
 * How long an order's seen mark is kept unless its escalation step takes it: past the latest that
 * step can be (ackEscalateSeconds is at most 600), with a margin for a sweep that runs late.
 */
const SEEN_TTL_MS = 15 * 60_000;
/** Orders this node has marked seen, remembered so that the other crew's acks cost nothing. */
const SEEN_HERE_MAX = 10_000;
/** How many of the crew online ORDER_NOT_SEEN names. */
const NAMED_MAX = 50;
const HUB: Sender = { id: 'hub', type: 'system' };
/** What the customer reads when the hub rejects an order nobody took (docs/protocol.md 14). */
export const NOT_RESPONDED = 'The restaurant did not respond in time.';

/**
 * Escalation by acknowledgement (docs/protocol.md section 14). A placed order gets its steps in
 * the watch: at `settings.ackEscalateSeconds`, if no crew device has acknowledged its
 * `order.created`, an urgent copy to the stations and ORDER_NOT_SEEN to admins; at
 * `settings.autoRejectAfterSeconds`, if still placed, the hub rejects it. Every node sweeps the
 * watch each second; each due step is claimed by one of them.
 */
@Injectable()
export class OrderEscalationService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  /**
   * Orders this node has marked seen, in two generations of at most SEEN_HERE_MAX / 2 each (the
   * older dropped whole when the newer fills): O(1), where evicting a Set's first entry one by one
   * walks the holes earlier deletions left (measured: 1.8 % of a node's CPU at 15,000 deliveries/s).
   */
  private seenNow = new Set<string>();
  private seenBefore = new Set<string>();

  constructor(
    @InjectLogger(OrderEscalationService.name) private readonly logger: HubLogger,
    @Inject(ORDER_WATCH) private readonly watch: OrderWatch,
    @Inject(ORDER_STORE) private readonly orders: OrderStore,
    private readonly board: OrdersService,
    private readonly menus: MenuService,
    private readonly delivery: DeliveryService,
    private readonly alerts: AlertsService,
    private readonly connections: Connections,
    private readonly events: HubEvents,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  onModuleInit(): void {
    this.events.on('order.placed', ({ order }) => this.watchOrder(order));
    this.events.on('order.seen', ({ envelope, userKey }) => this.seen(envelope, userKey));
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => background(this.logger, 'escalation sweep', this.sweep()), WATCH_SWEEP_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The steps of an order that has just become `placed`, by the tenant's settings now. */
  private async watchOrder(order: Order): Promise<void> {
    if (order.status !== 'placed') return;
    const settings = await this.menus.settings(order.tenantId);
    // From when it became placed (fired, for a scheduled order), not from when this runs.
    const now = Math.min(this.clock.now(), Date.parse(placedAt(order)));
    const escalate = settings.ackEscalateSeconds ?? DEFAULT_ACK_ESCALATE_SECONDS;
    const entries: WatchEntry[] = [];
    const at = (seconds: number) => ({
      tenantId: order.tenantId,
      orderId: order.orderId,
      at: now + seconds * 1000,
    });
    if (escalate > 0) entries.push({ ...at(escalate), step: 'escalate' });
    if (settings.autoRejectAfterSeconds)
      entries.push({ ...at(settings.autoRejectAfterSeconds), step: 'reject' });
    await this.watch.add(entries);
  }

  /** A crew device acknowledged a new order: it is seen (once per order and node, then remembered). */
  private async seen(envelope: Envelope<'order.created'>, userKey: string): Promise<void> {
    const { tenantId, orderId } = envelope.data.order;
    const key = `${tenantId}|${orderId}`;
    if (this.seenNow.has(key) || this.seenBefore.has(key)) return;
    if (this.seenNow.size >= SEEN_HERE_MAX / 2) {
      this.seenBefore = this.seenNow;
      this.seenNow = new Set();
    }
    this.seenNow.add(key);
    await this.watch.markSeen(tenantId, orderId, parseUserKey(userKey).userId, SEEN_TTL_MS);
  }

  /** Claims and takes the steps that are due, a batch at a time. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (;;) {
        const due = await this.watch.claimDue(this.clock.now(), SWEEP_BATCH);
        for (const entry of due) {
          const step = entry.step === 'escalate' ? this.escalate(entry) : this.reject(entry);
          await step.catch((err: unknown) =>
            this.logger.warn({ err, ...entry }, 'an escalation step failed; it is not retried'),
          );
        }
        if (due.length < SWEEP_BATCH) return;
      }
    } finally {
      this.sweeping = false;
    }
  }

  private async escalate(entry: WatchEntry): Promise<void> {
    // Seen first: nearly every order is, and then its record need not be read.
    if ((await this.watch.takeSeen(entry.tenantId, entry.orderId)) !== undefined) return;
    const order = await this.orders.get(entry.tenantId, entry.orderId);
    if (order?.status !== 'placed') return;
    // A new id: a device that missed the first copy (or dropped it) gets this one.
    await this.delivery.publish({
      type: 'order.created',
      tenantId: order.tenantId,
      data: { order, urgent: true },
      sender: HUB,
      audience: { order: stationsOf(order) },
      reminder: true,
    });
    const online = await this.connections.sessionsIn('crew', Rooms.tenant(order.tenantId)).catch(() => []);
    const since = placedAt(order);
    const seconds = Math.round((this.clock.now() - Date.parse(since)) / 1000);
    await this.alerts.raise(
      order.tenantId,
      'ORDER_NOT_SEEN',
      'critical',
      `order ${order.orderNumber ?? order.orderId} has not reached any crew screen after ${seconds} s`,
      {
        orderId: order.orderId,
        ...(order.orderNumber ? { orderNumber: order.orderNumber } : {}),
        placedAt: since,
        seconds,
        crewOnline: online.slice(0, NAMED_MAX),
      },
    );
  }

  private async reject(entry: WatchEntry): Promise<void> {
    await this.board.byHub(entry.tenantId, entry.orderId, 'placed', 'rejected', NOT_RESPONDED);
  }
}
