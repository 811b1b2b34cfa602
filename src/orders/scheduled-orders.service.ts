import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import type { Order } from '@orderwire/contracts';
import { DEFAULT_PREP_MINUTES, isOpenAt, SCHEDULE_MAX_DAYS } from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { JOB_SCHEDULER, ORDER_STORE, SCHEDULED_ORDERS } from '../engine/engine.tokens.js';
import type { JobScheduler } from '../engine/job-scheduler.js';
import type { OrderStore } from '../engine/order-store.js';
import type { ScheduledOrderIndex } from '../engine/scheduled-order-index.js';
import { background } from '../util/background.js';
import { CLOCK, type Clock, systemClock } from '../util/clock.js';
import { HubEvents } from '../util/hub-events.js';
import { HubException, invalid } from '../util/hub.exception.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { MenuService } from './menu.service.js';
import { OrderSlaService } from './order-sla.service.js';
import { OrdersService } from './orders.service.js';

/** How often every node looks for scheduled orders whose job was lost (and at start). */
const SWEEP_EVERY_MS = 30_000;
const SWEEP_BATCH = 500;

/** When a scheduled order fires and what it expects, as `order.place` plans it. */
export interface SchedulePlan {
  scheduledFor: string;
  fireAt: string;
  /** The prep time it was planned with (the restaurant's, plus a busy kitchen's extra minutes). */
  prepMinutes: number;
}

/**
 * Scheduled orders (docs/protocol.md section 13): `order.place` with `scheduledFor` stores the
 * order as `scheduled` at once, and the hub fires it to `placed` at `fireAt` (scheduledFor minus
 * the prep time). Firing is a compare-and-set on the order (OrdersService.byHub), so it happens
 * once however many nodes try: a BullMQ delayed job with the redis engine (one node runs it; a
 * node killed while running it leaves it to another), a timer with the memory engine, and a sweep
 * at start and every 30 s over the index for any whose job was lost.
 */
@Injectable()
export class ScheduledOrdersService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private sweepTimer?: NodeJS.Timeout;

  constructor(
    @InjectLogger(ScheduledOrdersService.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SCHEDULED_ORDERS) private readonly index: ScheduledOrderIndex,
    @Inject(ORDER_STORE) private readonly store: OrderStore,
    @Inject(JOB_SCHEDULER) private readonly jobs: JobScheduler,
    private readonly orders: OrdersService,
    private readonly menus: MenuService,
    private readonly sla: OrderSlaService,
    private readonly events: HubEvents,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  onModuleInit(): void {
    this.jobs.handle('order-fire', (key) => this.fire(key));
    this.events.on('order.unscheduled', ({ after }) => this.left(after));
  }

  onApplicationBootstrap(): void {
    background(this.logger, 'scheduled orders sweep', this.sweep());
    this.sweepTimer = setInterval(
      () => background(this.logger, 'scheduled orders sweep', this.sweep()),
      SWEEP_EVERY_MS,
    );
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
  }

  /**
   * `scheduledFor` of an `order.place`: at least SCHEDULE_MIN_LEAD_MINUTES ahead, at most
   * SCHEDULE_MAX_DAYS, inside the opening hours (VALIDATION_FAILED saying which), and when the
   * order fires: that time minus the prep time and a busy kitchen's `extraPrepMinutes` now.
   */
  async plan(tenantId: string, scheduledFor: string, extraPrepMinutes: number): Promise<SchedulePlan> {
    const now = this.clock.now();
    const at = Date.parse(scheduledFor);
    const minLeadMs = this.config.orders.scheduled.minLeadMs;
    const settings = await this.menus.settings(tenantId);
    const zone = settings.timezone ?? this.config.orders.timezone;
    const why =
      at <= now
        ? 'scheduledFor is in the past'
        : at < now + minLeadMs
          ? `scheduledFor must be at least ${minLeadMs / 60_000} minutes ahead`
          : at > now + SCHEDULE_MAX_DAYS * 86_400_000
            ? `scheduledFor may be at most ${SCHEDULE_MAX_DAYS} days ahead`
            : settings.hours && !isOpenAt(settings.hours, zone, at)
              ? 'scheduledFor is outside the opening hours'
              : undefined;
    if (why) {
      throw invalid([{ field: 'scheduledFor', messages: [why] }]);
    }
    const prepMinutes = (settings.prepMinutes ?? DEFAULT_PREP_MINUTES) + extraPrepMinutes;
    return {
      scheduledFor: new Date(at).toISOString(),
      fireAt: new Date(Math.max(now, at - prepMinutes * 60_000)).toISOString(),
      prepMinutes,
    };
  }

  /** Before the order is stored: its place in the index, or LIMIT_REACHED (MAX_SCHEDULED_ORDERS_PER_TENANT). */
  async reserve(order: Order): Promise<void> {
    const limit = this.config.orders.scheduled.perTenant;
    const entry = { tenantId: order.tenantId, orderId: order.orderId, fireAt: Date.parse(order.fireAt!) };
    if (await this.index.reserve(entry, limit)) return;
    throw new HubException('LIMIT_REACHED', `this restaurant has ${limit} scheduled orders, its limit`, {
      scope: 'scheduled',
      limit,
    });
  }

  /** The order was not stored after all (a limit): its place goes. */
  release(order: Order): Promise<void> {
    return this.index.release(order.tenantId, order.orderId);
  }

  /** After the order is stored: its fire job. */
  async stored(order: Order): Promise<void> {
    const delay = Math.max(0, Date.parse(order.fireAt!) - this.clock.now());
    await this.jobs.schedule('order-fire', `${order.tenantId}@${order.orderId}`, delay);
  }

  /** The fire job (or the sweep): `placed` now, unless it was cancelled or fired already. */
  private async fire(key: string): Promise<void> {
    const at = key.lastIndexOf('@');
    const tenantId = key.slice(0, at);
    const orderId = key.slice(at + 1);
    const order = await this.store.get(tenantId, orderId);
    // Never stored (a node died between its place in the index and the order), or already moved on.
    if (!order || order.status !== 'scheduled') return this.index.release(tenantId, orderId);
    const fireAt = Date.parse(order.fireAt ?? order.createdAt);
    // Early by this node's clock (another node scheduled it): again at the time.
    if (fireAt > this.clock.now()) return this.stored(order);
    await this.orders.byHub(tenantId, orderId, 'scheduled', 'placed');
  }

  /** An order left `scheduled` (fired, fired early by the front, cancelled): out of the index. */
  private async left(after: Order): Promise<void> {
    await this.index.release(after.tenantId, after.orderId);
    if (after.status !== 'placed') return;
    // Its acceptance clock starts now: ORDER_NOT_ACCEPTED after ORDER_ACCEPT_SLA_SECONDS; and NO_CREW_ONLINE.
    await this.sla.watch(after);
    await this.orders.afterPlaced(after);
  }

  /** Scheduled orders due and not fired: their job was lost, or no node ran at the time. */
  private async sweep(): Promise<void> {
    const seen = new Set<string>();
    for (;;) {
      const due = (await this.index.due(this.clock.now(), SWEEP_BATCH)).filter(
        (e) => !seen.has(`${e.tenantId}@${e.orderId}`),
      );
      for (const e of due) {
        const key = `${e.tenantId}@${e.orderId}`;
        seen.add(key);
        await this.fire(key);
      }
      if (due.length < SWEEP_BATCH) return;
    }
  }
}
