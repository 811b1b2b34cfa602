import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleInit, Optional } from '@nestjs/common';
import type {
  AuditActor,
  PublishJob,
  Sender,
  StoreSetStatusDto,
  StoreStatusChange,
  StoreStatusData,
  StoredStoreStatus,
} from '@orderwire/contracts';
import {
  STORE_CLOSED_STATUSES,
  STORE_SYSTEM,
  storeStatusAt,
  storeStatusData,
  storeStatusOf,
  storeStatusProblem,
} from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { JOB_SCHEDULER, STORE_STATUS_STORE } from '../engine/engine.tokens.js';
import type { JobScheduler } from '../engine/job-scheduler.js';
import type { StoreStatusStore } from '../engine/store-status-store.js';
import { actorOf, type Session } from '../session/session.js';
import { tenantOf } from '../session/tenant-scope.js';
import { background } from '../util/background.js';
import { CLOCK, type Clock, systemClock } from '../util/clock.js';
import { HubEvents } from '../util/hub-events.js';
import { HubException } from '../util/hub.exception.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';

/** How many overdue `until`s the sweep at start takes per round. */
const SWEEP_BATCH = 500;

/**
 * The store's status (docs/protocol.md section 13): set by front crew and admins
 * (`store.set_status`) or a service (`store.status`), sent to every session of the tenant on
 * connect and on change, the gate of `order.place` (STORE_CLOSED while paused or closed) and the
 * extra minutes of a busy kitchen. A status with `until` returns to `open` by itself: a job at
 * that time (BullMQ with the redis engine, so it survives a restart and runs on one node), the
 * sweep at start for any that passed while no node ran, and, between the two, every read, which
 * takes a passed `until` as `open` already.
 */
@Injectable()
export class StoreStatusService implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    @InjectLogger(StoreStatusService.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORE_STATUS_STORE) private readonly store: StoreStatusStore,
    @Inject(JOB_SCHEDULER) private readonly jobs: JobScheduler,
    private readonly delivery: DeliveryService,
    private readonly events: HubEvents,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  onModuleInit(): void {
    this.jobs.handle('store-until', (key) => this.expire(key));
  }

  onApplicationBootstrap(): void {
    background(this.logger, 'store status sweep', this.sweep());
  }

  /** The status in force now. */
  async current(tenantId: string): Promise<StoredStoreStatus> {
    return storeStatusAt(await this.store.get(tenantId), this.clock.now());
  }

  /** What `store.status` carries now. */
  async data(tenantId: string): Promise<StoreStatusData> {
    return storeStatusData(await this.current(tenantId));
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
    if (problem) throw new HubException('VALIDATION_FAILED', 'invalid payload', { fields: [problem] });
    const tenantId = tenantOf(session, dto.tenantId);
    const sender: Sender = { id: session.userId, type: session.role };
    const stored = await this.change(tenantId, dto, sender, actorOf(session), 'store.set_status');
    if (stored === 'full') throw this.full();
    return storeStatusData(stored);
  }

  /**
   * Whether a service may set this tenant's status now: VALIDATION_FAILED for an `until` the
   * hub's clock says is past (or too far), LIMIT_REACHED for a new tenant past MENU_MAX_TENANTS
   * (checked when the publish is accepted; the store checks again).
   */
  async admit(tenantId: string, change: StoreStatusChange): Promise<void> {
    const problem = storeStatusProblem(change, this.clock.now());
    if (problem) {
      const fields = [{ ...problem, field: `data.${problem.field}` }];
      throw new HubException('VALIDATION_FAILED', 'invalid publish', { fields });
    }
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
    const stored = await this.change(job.tenantId, change, job.sender, job.sender, 'store.status');
    if (stored === 'full') {
      this.logger.warn(
        { tenantId: job.tenantId, limit: this.config.menu.maxTenants, messageId: job.id },
        'a store status was not stored: MENU_MAX_TENANTS tenants have one',
      );
    }
  }

  private async change(
    tenantId: string,
    change: StoreStatusChange,
    by: Sender,
    actor: AuditActor,
    action: string,
  ): Promise<StoredStoreStatus | 'full'> {
    const before = await this.current(tenantId);
    const at = new Date(this.clock.now()).toISOString();
    const stored = await this.store.set(tenantId, { ...storeStatusOf(change), updatedBy: by, updatedAt: at });
    if (stored === 'changed') throw new Error('a status set without `expected` cannot lose a race');
    if (stored === 'full') return stored;
    this.announce(tenantId, before, stored, actor, action);
    if (stored.until !== undefined) await this.scheduleReturn(tenantId, stored);
    return stored;
  }

  /** Sent to the tenant's sessions, the audit trail and the webhooks that take `store.status`. */
  private announce(
    tenantId: string,
    before: StoredStoreStatus,
    after: StoredStoreStatus,
    actor: AuditActor,
    action: string,
  ): void {
    const data = storeStatusData(after);
    this.delivery.emitVolatile({
      type: 'store.status',
      tenantId,
      data,
      sender: after.updatedBy,
      audience: {},
    });
    const summary = (s: StoredStoreStatus) => ({
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
    void this.events.emit('store.status', { tenantId, data });
  }

  private async scheduleReturn(tenantId: string, s: StoredStoreStatus): Promise<void> {
    const delay = Math.max(0, Date.parse(s.until!) - this.clock.now());
    await this.jobs.schedule('store-until', `${tenantId}@${s.version}`, delay);
  }

  /** The job at `until`: back to `open`, unless the status changed since it was set. */
  private async expire(key: string): Promise<void> {
    const at = key.lastIndexOf('@');
    await this.reopen(key.slice(0, at), Number(key.slice(at + 1)));
  }

  private async reopen(tenantId: string, version: number): Promise<void> {
    const stored = await this.store.get(tenantId, { fresh: true });
    if (!stored || stored.version !== version || stored.until === undefined) return;
    if (Date.parse(stored.until) > this.clock.now())
      return void (await this.scheduleReturn(tenantId, stored));
    const open = storeStatusAt(stored, this.clock.now());
    const next = await this.store.set(
      tenantId,
      { status: 'open', extraPrepMinutes: 0, updatedBy: STORE_SYSTEM, updatedAt: open.updatedAt },
      version,
    );
    // Another node (or a new status) came first: it announced.
    if (next === 'full' || next === 'changed') return;
    this.announce(tenantId, stored, next, STORE_SYSTEM, 'store.status');
  }

  /** At start: statuses whose `until` passed while no node ran (or before this one started). */
  private async sweep(): Promise<void> {
    const seen = new Set<string>();
    for (;;) {
      const due = (await this.store.due(this.clock.now(), SWEEP_BATCH)).filter((t) => !seen.has(t));
      for (const tenantId of due) {
        seen.add(tenantId);
        const stored = await this.store.get(tenantId, { fresh: true });
        if (stored) await this.reopen(tenantId, stored.version);
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
