import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleInit, Optional } from '@nestjs/common';
import type {
  AuditActor,
  PublishJob,
  Sender,
  StoreSetStatusDto,
  StoreStatusChange,
  StoreStatusData,
  StoredStoreStatus,
  StoreSchedule,
  TenantSettings,
} from '@orderwire/contracts';
import {
  STORE_CLOSED_STATUSES,
  STORE_SYSTEM,
  storeStatusAwake,
  storeStatusOf,
  storeStatusProblem,
  storeStatusView,
  wakeOf,
} from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { MenuService } from './menu.service.js';
import { JOB_SCHEDULER, STORE_STATUS_STORE } from '../engine/engine.tokens.js';
import type { JobScheduler } from '../engine/job-scheduler.js';
import type { StoreStatusStore } from '../engine/store-status-store.js';
import { actorOf, type Session } from '../session/session.js';
import { tenantOf } from '../session/tenant-scope.js';
import { background } from '../util/background.js';
import { CLOCK, type Clock, systemClock } from '../util/clock.js';
import { HubEvents } from '../util/hub-events.js';
import { HubException, invalid } from '../util/hub.exception.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';

/** How many overdue `until`s the sweep at start takes per round. */
const SWEEP_BATCH = 500;

/**
 * The store's status (docs/protocol.md section 13): set by front crew and admins
 * (`store.set_status`) or a service (`store.status`), closed by itself outside the opening hours
 * of the menu's settings, sent to every session of the tenant on connect and on change, the gate
 * of `order.place` (STORE_CLOSED while paused or closed) and the extra minutes of a busy kitchen.
 * It changes by itself at a `wakeAt` (an `until`, the hours' next change): a job at that time
 * (BullMQ with the redis engine, so it survives a restart and runs on one node), the sweep at
 * start for any that passed while no node ran, and, between the two, every read, which already
 * takes the status as it is by then.
 */
/** The reason a store the hub set busy for its kitchen's load shows (docs/protocol.md 14). */
export const AUTO_BUSY_REASON = 'kitchen load';

@Injectable()
export class StoreStatusService implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    @InjectLogger(StoreStatusService.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORE_STATUS_STORE) private readonly store: StoreStatusStore,
    @Inject(JOB_SCHEDULER) private readonly jobs: JobScheduler,
    private readonly delivery: DeliveryService,
    private readonly menus: MenuService,
    private readonly events: HubEvents,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  onModuleInit(): void {
    this.jobs.handle('store-wake', (key) => this.wake(key));
  }

  onApplicationBootstrap(): void {
    background(this.logger, 'store status sweep', this.sweep());
  }

  /** The opening hours the tenant published with its menu, and their time zone. */
  private async schedule(tenantId: string): Promise<StoreSchedule | undefined> {
    return this.scheduleOf((await this.menus.get(tenantId))?.settings);
  }

  private scheduleOf(settings: TenantSettings | undefined): StoreSchedule | undefined {
    const hours = settings?.hours;
    return hours ? { hours, zone: settings.timezone ?? this.config.orders.timezone } : undefined;
  }

  /** What `store.status` carries now (read on every order.place: two reads, no more). */
  async data(tenantId: string): Promise<StoreStatusData> {
    const stored = await this.store.get(tenantId);
    const menu = await this.menus.get(tenantId);
    return storeStatusView(stored, this.clock.now(), this.scheduleOf(menu?.settings));
  }

  /**
   * Whether the store takes an order now: STORE_CLOSED (as an exception to throw) while paused or
   * closed, else the minutes a busy kitchen adds to its ETA.
   */
  async forOrders(tenantId: string): Promise<{ refusal?: HubException; extraPrepMinutes: number }> {
    const now = await this.data(tenantId);
    if (!STORE_CLOSED_STATUSES.has(now.status)) return { extraPrepMinutes: now.extraPrepMinutes };
    const until = now.nextOpenAt ? ` until ${now.nextOpenAt}` : '';
    const refusal = new HubException('STORE_CLOSED', `the restaurant is ${now.status}${until}`, {
      status: now.status,
      ...(now.nextOpenAt ? { nextOpenAt: now.nextOpenAt } : {}),
    });
    return { refusal, extraPrepMinutes: 0 };
  }

  /** `store.set_status`. */
  async set(session: Session, dto: StoreSetStatusDto): Promise<StoreStatusData> {
    const problem = storeStatusProblem(dto, this.clock.now());
    if (problem) throw invalid([problem]);
    const tenantId = tenantOf(session, dto.tenantId);
    const sender: Sender = { id: session.userId, type: session.role };
    const after = await this.change(tenantId, dto, sender, actorOf(session), 'store.set_status');
    if (after === 'full') throw this.full();
    return after;
  }

  /**
   * `settings.autoBusy` (docs/protocol.md section 14): the hub sets the store busy for the kitchen's
   * load, or (`extraPrepMinutes` undefined) open again; audited as `store.auto_busy`.
   */
  async autoBusy(tenantId: string, extraPrepMinutes: number | undefined): Promise<void> {
    const change: StoreStatusChange =
      extraPrepMinutes === undefined
        ? { status: 'open' }
        : { status: 'busy', extraPrepMinutes, reason: AUTO_BUSY_REASON };
    await this.change(tenantId, change, STORE_SYSTEM, STORE_SYSTEM, 'store.auto_busy');
  }

  /**
   * Whether a service may set this tenant's status now: VALIDATION_FAILED for an `until` the
   * hub's clock says is past (or too far), LIMIT_REACHED for a new tenant past MENU_MAX_TENANTS
   * (checked when the publish is accepted; the store checks again).
   */
  async admit(tenantId: string, change: StoreStatusChange): Promise<void> {
    const problem = storeStatusProblem(change, this.clock.now());
    if (problem) throw invalid([{ ...problem, field: `data.${problem.field}` }], 'invalid publish');
    if ((await this.store.count()) < this.config.menu.maxTenants || (await this.store.get(tenantId))) return;
    throw this.full();
  }

  /** A published `store.status`: set, then announced like a command's change. */
  async apply(job: PublishJob): Promise<void> {
    const change = job.data as StoreStatusChange;
    const problem = storeStatusProblem(change, this.clock.now());
    if (problem) {
      // Valid when accepted, passed while queued (an `until` now behind us): nothing to set.
      this.logger.warn(
        { tenantId: job.tenantId, messageId: job.id, problem },
        'a store.status was not applied',
      );
      return;
    }
    const after = await this.change(job.tenantId, change, job.sender, job.sender, 'store.status');
    if (after === 'full') {
      this.logger.warn(
        { tenantId: job.tenantId, limit: this.config.menu.maxTenants, messageId: job.id },
        'a store status was not stored: MENU_MAX_TENANTS tenants have one',
      );
    }
  }

  /** A status set by people or a service: stored, announced, woken at its `until` or the hours' next change. */
  private async change(
    tenantId: string,
    change: StoreStatusChange,
    by: Sender,
    actor: AuditActor,
    action: string,
  ): Promise<StoreStatusData | 'full'> {
    const now = this.clock.now();
    const schedule = await this.schedule(tenantId);
    const before = storeStatusView(await this.store.get(tenantId), now, schedule);
    const next = storeStatusOf(change);
    const at = new Date(now).toISOString();
    const stored = await this.store.set(tenantId, {
      ...next,
      updatedBy: by,
      updatedAt: at,
      ...wakeOf(next.until, now, schedule),
    });
    if (stored === 'changed') throw new Error('a status set without `expected` cannot lose a race');
    if (stored === 'full') return stored;
    return this.settled(tenantId, before, stored, now, schedule, actor, action);
  }

  /**
   * The hub looks again at a tenant's status (its `wakeAt` came, its opening hours changed):
   * writes it one version later, as it is in force now, with the next `wakeAt`, and announces it.
   * With `expected`, only if no change came since that version (the job of an older `wakeAt`).
   */
  async refresh(tenantId: string, expected?: number): Promise<void> {
    const now = this.clock.now();
    const [stored, schedule] = await Promise.all([
      this.store.get(tenantId, { fresh: true }),
      this.schedule(tenantId),
    ]);
    if (expected !== undefined && (stored?.version ?? 0) !== expected) return;
    // As it was announced: just before its wake (an until passed is read as open from then on).
    const wake = stored?.wakeAt === undefined ? now : Math.min(now, Date.parse(stored.wakeAt) - 1);
    const before = storeStatusView(stored, wake, schedule);
    const next = await this.store.set(
      tenantId,
      storeStatusAwake(stored, now, schedule),
      stored?.version ?? 0,
    );
    // Another node (or a new status) came first: it announced.
    if (next === 'full' || next === 'changed') return;
    await this.settled(tenantId, before, next, now, schedule, STORE_SYSTEM, 'store.status');
  }

  /** After a write: sent to the tenant's sessions, audited, to the webhooks; its wake scheduled. */
  private async settled(
    tenantId: string,
    before: StoreStatusData,
    stored: StoredStoreStatus,
    now: number,
    schedule: StoreSchedule | undefined,
    actor: AuditActor,
    action: string,
  ): Promise<StoreStatusData> {
    const after = storeStatusView(stored, now, schedule);
    this.delivery.emitVolatile({
      type: 'store.status',
      tenantId,
      data: after,
      sender: after.updatedBy,
      audience: {},
    });
    const summary = (s: StoreStatusData) => ({
      status: s.status,
      extraPrepMinutes: s.extraPrepMinutes,
      ...(s.until !== undefined ? { until: s.until } : {}),
    });
    void this.events.emit('audit', {
      tenantId,
      actor,
      action,
      before: summary(before),
      after: summary(after),
      details: { version: after.version, ...(after.reason !== undefined ? { reason: after.reason } : {}) },
    });
    void this.events.emit('store.status', { tenantId, data: after });
    if (stored.wakeAt !== undefined) await this.scheduleWake(tenantId, stored.wakeAt);
    return after;
  }

  private async scheduleWake(tenantId: string, wakeAt: string): Promise<void> {
    const at = Date.parse(wakeAt);
    await this.jobs.schedule('store-wake', `${tenantId}@${at}`, Math.max(0, at - this.clock.now()));
  }

  /** The job at a `wakeAt`: the hub looks again, unless the status changed (and so re-woke) since. */
  private async wake(key: string): Promise<void> {
    const split = key.lastIndexOf('@');
    const tenantId = key.slice(0, split);
    const stored = await this.store.get(tenantId, { fresh: true });
    if (!stored?.wakeAt || Date.parse(stored.wakeAt) !== Number(key.slice(split + 1))) return;
    // Early by this node's clock (another node scheduled it): again at the time.
    if (Date.parse(stored.wakeAt) > this.clock.now()) return this.scheduleWake(tenantId, stored.wakeAt);
    await this.refresh(tenantId, stored.version);
  }

  /** At start: statuses whose `wakeAt` passed while no node ran (or before this one started). */
  private async sweep(): Promise<void> {
    const seen = new Set<string>();
    for (;;) {
      const due = (await this.store.due(this.clock.now(), SWEEP_BATCH)).filter((t) => !seen.has(t));
      for (const tenantId of due) {
        seen.add(tenantId);
        const stored = await this.store.get(tenantId, { fresh: true });
        if (stored) await this.refresh(tenantId, stored.version);
      }
      // Each tenant once: one that stays due (another node reopening it meanwhile) ends the sweep.
      if (due.length === 0) return;
    }
  }

  private full(): HubException {
    const limit = this.config.menu.maxTenants;
    return new HubException('LIMIT_REACHED', `store statuses of at most ${limit} tenants are kept`, {
      scope: 'stores',
      limit,
    });
  }
}
