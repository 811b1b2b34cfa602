import { Inject, Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import type { EtaReason, Order, OrderItem, Sender, TenantSettings } from '@orderwire/contracts';
import { DEFAULT_PREP_MINUTES, KITCHEN_STATUSES, placedAt } from '@orderwire/contracts';
import { DeliveryService } from '../delivery/delivery.service.js';
import { ORDER_STORE, PREP_SAMPLES, SESSION_REGISTRY } from '../engine/engine.tokens.js';
import type { StoredMessage } from '../engine/message-store.js';
import type { OrderStore } from '../engine/order-store.js';
import type { PrepSampleStore, StoredPrepSample } from '../engine/prep-samples.js';
import type { SessionRegistry } from '../engine/session-registry.js';
import { background } from '../util/background.js';
import { CLOCK, type Clock, systemClock } from '../util/clock.js';
import { HubEvents } from '../util/hub-events.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import {
  ETA_SAMPLES_PER_TENANT,
  learnedByKey,
  prepMinutesOf,
  slotsOf,
  wavesOf,
  WHOLE_KITCHEN,
} from './eta-model.js';
import { MenuService } from './menu.service.js';
import { OrdersService, stationsOf } from './orders.service.js';
import { AUTO_BUSY_REASON, StoreStatusService } from './store-status.service.js';

/** An estimate that moves less than this is not announced (docs/protocol.md section 14). */
const ANNOUNCE_MS = 2 * 60_000;
/** How long after a change the hub looks again at a tenant's waiting orders (changes in between join). */
const RECOMPUTE_MS = 1000;
/**
 * How long a node answers new orders from its view of a kitchen (counting the orders it places
 * meanwhile); a look at the waiting orders renews it too.
 */
const VIEW_MS = 5000;
const VIEWS_MAX = 10_000;
/**
 * The oldest active orders a look reads: the orders estimated and announced. Past them a kitchen
 * is hours behind, and the orders beyond keep the estimate they were placed with (and are counted).
 */
export const ESTIMATED_MAX = 200;
/** A sample past this is a forgotten order, not a prep time. */
const SAMPLE_MAX_MINUTES = 24 * 60;
const HUB: Sender = { id: 'hub', type: 'system' };

/** What a node knows of a kitchen for a moment: its learned times, waiting orders and crew. */
interface KitchenView {
  at: number;
  learned: Map<string, number>;
  waiting: number;
  slots: number;
}

const stationsOfItems = (items: readonly OrderItem[]): string[] => [
  ...new Set(items.map((i) => i.station).filter((s): s is string => !!s)),
];
const placedMs = (o: Order): number => Date.parse(placedAt(o));

/**
 * ETAs from the kitchen's load (docs/protocol.md section 14): learns each tenant's prep time from
 * its orders (eta-model.ts), gives new orders an estimate from the orders ahead and the crew on
 * shift, moves the estimates of waiting orders as that changes (order.eta_updated), and sets the
 * store busy and back for `settings.autoBusy`.
 */
@Injectable()
export class KitchenLoadService implements OnModuleInit {
  private readonly views = new Map<string, KitchenView>();
  private readonly due = new Map<string, EtaReason>();
  private readonly renewing = new Map<string, Promise<KitchenView>>();

  constructor(
    @InjectLogger(KitchenLoadService.name) private readonly logger: HubLogger,
    @Inject(ORDER_STORE) private readonly orders: OrderStore,
    @Inject(PREP_SAMPLES) private readonly samples: PrepSampleStore,
    @Inject(SESSION_REGISTRY) private readonly sessions: SessionRegistry,
    private readonly board: OrdersService,
    private readonly menus: MenuService,
    private readonly store: StoreStatusService,
    private readonly delivery: DeliveryService,
    private readonly events: HubEvents,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  onModuleInit(): void {
    this.events.on('order.changed', ({ before, after }) => this.changed(before, after));
    this.events.on('crew.changed', ({ tenantId }) => this.later(tenantId, 'kitchen_load'));
    this.events.on('store.status', ({ tenantId }) => this.later(tenantId, 'store_busy'));
  }

  /** A new order's ETA (minutes) and the orders waiting before it (order.place). */
  async estimate(
    tenantId: string,
    items: readonly OrderItem[],
    settings: TenantSettings | undefined,
    extraPrepMinutes: number,
  ): Promise<{ etaMinutes: number; ordersAhead: number }> {
    const view = await this.view(tenantId);
    const prep = prepMinutesOf(
      stationsOfItems(items),
      view.learned,
      settings?.prepMinutes ?? DEFAULT_PREP_MINUTES,
    );
    const ahead = view.waiting++;
    // A new order changes no earlier order's wait, but it may tip the store into autoBusy.
    if (settings?.autoBusy) this.later(tenantId, 'kitchen_load');
    return {
      etaMinutes: Math.round(prep * wavesOf(ahead, view.slots) + extraPrepMinutes),
      ordersAhead: ahead,
    };
  }

  /**
   * The node's view of the kitchen, renewed past VIEW_MS. Concurrent callers share one renewal:
   * they go on in the order they asked, so pipelined order.place commands keep their order.
   */
  private view(tenantId: string, fresh = false): Promise<KitchenView> {
    const now = this.clock.now();
    const cached = this.views.get(tenantId);
    if (!fresh && cached && now - cached.at < VIEW_MS && cached.at <= now) return Promise.resolve(cached);
    const pending = this.renewing.get(tenantId);
    if (pending && !fresh) return pending;
    const renewal = this.renew(tenantId, now).finally(() => {
      if (this.renewing.get(tenantId) === renewal) this.renewing.delete(tenantId);
    });
    this.renewing.set(tenantId, renewal);
    return renewal;
  }

  private async renew(tenantId: string, now: number): Promise<KitchenView> {
    const [active, presence, samples] = await Promise.all([
      this.orders.listActive(tenantId, ESTIMATED_MAX),
      this.sessions.presence(tenantId),
      this.samples.recent(tenantId, ETA_SAMPLES_PER_TENANT),
    ]);
    let waiting = active.filter((o) => KITCHEN_STATUSES.has(o.status)).length;
    // More active orders than a look reads: every one past them counts as waiting.
    if (active.length >= ESTIMATED_MAX)
      waiting += (await this.orders.countActive(tenantId, '')).tenant - active.length;
    const view: KitchenView = {
      at: now,
      learned: learnedByKey(samples, now),
      waiting,
      slots: slotsOf(presence.crew),
    };
    this.views.delete(tenantId);
    this.views.set(tenantId, view);
    if (this.views.size > VIEWS_MAX) this.views.delete(this.views.keys().next().value!);
    return view;
  }

  /** What an order's change teaches (a prep time) and whether the waiting orders must be looked at. */
  private async changed(before: Order, after: Order): Promise<void> {
    const learned: StoredPrepSample[] = [];
    const now = this.clock.now();
    const moved = before.status !== after.status;
    if (moved && after.status === 'ready' && after.statusTimes.placed)
      learned.push(...(await this.sample(after, WHOLE_KITCHEN, now)));
    if ((after.linesReady?.length ?? 0) > (before.linesReady?.length ?? 0) && after.statusTimes.placed) {
      for (const station of stationsOfItems(after.items)) {
        const done = (o: Order) =>
          o.items.every((item, i) => item.station !== station || (o.linesReady ?? []).includes(i));
        if (done(after) && !done(before)) learned.push(...(await this.sample(after, station, now)));
      }
    }
    if (learned.length) await this.samples.add(after.tenantId, learned, ETA_SAMPLES_PER_TENANT);
    if (moved && (KITCHEN_STATUSES.has(before.status) || learned.length))
      this.later(after.tenantId, 'kitchen_load');
  }

  /** The order's prep time so far, divided by the waves it had to wait through when it came in. */
  private async sample(order: Order, key: string, now: number): Promise<StoredPrepSample[]> {
    const minutes = (now - placedMs(order)) / 60_000;
    if (!(minutes > 0 && minutes < SAMPLE_MAX_MINUTES)) return [];
    const { slots } = await this.view(order.tenantId);
    const waves = wavesOf(order.ordersAhead ?? 0, slots);
    return [{ key, minutes: Math.round((minutes / waves) * 10) / 10, at: now }];
  }

  /** Looks again at the tenant's waiting orders soon (changes meanwhile join in). */
  private later(tenantId: string, reason: EtaReason): void {
    const pending = this.due.get(tenantId);
    if (pending) {
      if (reason === 'store_busy') this.due.set(tenantId, reason);
      return;
    }
    this.due.set(tenantId, reason);
    setTimeout(() => {
      const why = this.due.get(tenantId) ?? reason;
      this.due.delete(tenantId);
      background(this.logger, 'kitchen ETAs', this.recompute(tenantId, why));
    }, RECOMPUTE_MS).unref();
  }

  /**
   * The estimate of every waiting order the hub estimated, in the order they were placed; those
   * that moved by ANNOUNCE_MS or more are written and announced (order.eta_updated). Then autoBusy.
   */
  async recompute(tenantId: string, reason: EtaReason): Promise<void> {
    const now = this.clock.now();
    const [settings, status, view, active] = await Promise.all([
      this.menus.settings(tenantId),
      this.store.data(tenantId),
      this.view(tenantId, true),
      this.orders.listActive(tenantId, ESTIMATED_MAX),
    ]);
    const extra = status.status === 'busy' ? status.extraPrepMinutes : 0;
    const fallback = settings.prepMinutes ?? DEFAULT_PREP_MINUTES;
    const waiting = active
      .filter((o) => KITCHEN_STATUSES.has(o.status))
      .sort((a, b) => placedMs(a) - placedMs(b));
    for (const [ahead, order] of waiting.entries()) {
      if (order.etaBy !== 'hub') continue;
      const prep = prepMinutesOf(stationsOfItems(order.items), view.learned, fallback);
      const etaMs = Math.max(
        now + 60_000,
        placedMs(order) + (prep * wavesOf(ahead, view.slots) + extra) * 60_000,
      );
      if (order.etaAt && Math.abs(etaMs - Date.parse(order.etaAt)) < ANNOUNCE_MS) continue;
      await this.move(order, etaMs, now, reason);
    }
    await this.autoBusy(tenantId, settings, status, view, waiting.length);
  }

  private async move(order: Order, etaMs: number, now: number, reason: EtaReason): Promise<void> {
    const etaAt = new Date(etaMs).toISOString();
    const etaMinutes = Math.max(1, Math.round((etaMs - now) / 60_000));
    const announce = (_before: Order, after: Order): StoredMessage =>
      this.delivery.prepare({
        type: 'order.eta_updated',
        tenantId: after.tenantId,
        data: {
          orderId: after.orderId,
          ...(after.orderNumber ? { orderNumber: after.orderNumber } : {}),
          etaAt,
          etaMinutes,
          reason,
        },
        sender: HUB,
        audience: { customerId: after.customerId, order: stationsOf(after) },
      });
    const changed = await this.board.change(
      order.tenantId,
      order.orderId,
      (o) =>
        // Moved on, or the crew gave their word meanwhile: the hub leaves it alone.
        KITCHEN_STATUSES.has(o.status) && o.etaBy === 'hub'
          ? { ...o, etaAt, etaMinutes, updatedAt: new Date(now).toISOString() }
          : undefined,
      announce,
    );
    if (changed?.message) this.delivery.release(changed.message);
  }

  /** `settings.autoBusy`: busy above its minutes, open again below four fifths of them. */
  private async autoBusy(
    tenantId: string,
    settings: TenantSettings,
    status: { status: string; reason?: string; updatedBy: Sender },
    view: KitchenView,
    waiting: number,
  ): Promise<void> {
    const rule = settings.autoBusy;
    if (!rule) return;
    const fallback = settings.prepMinutes ?? DEFAULT_PREP_MINUTES;
    const estimate = (view.learned.get(WHOLE_KITCHEN) ?? fallback) * wavesOf(waiting, view.slots);
    const ours =
      status.status === 'busy' && status.updatedBy.type === 'system' && status.reason === AUTO_BUSY_REASON;
    if (status.status === 'open' && estimate > rule.aboveMinutes)
      await this.store.autoBusy(tenantId, rule.extraPrepMinutes);
    else if (ours && estimate < 0.8 * rule.aboveMinutes) await this.store.autoBusy(tenantId, undefined);
  }
}
