import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { MetricsData } from '@orderwire/contracts';
import { ALL_TENANTS, ROLES } from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { background } from '../util/background.js';
import type { Session } from '../session/session.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { Connections } from '../transport/connections.js';
import { JOB_SCHEDULER, MESSAGE_STORE, SESSION_REGISTRY } from '../engine/engine.tokens.js';
import type { JobScheduler } from '../engine/job-scheduler.js';
import type { MessageStore } from '../engine/message-store.js';
import type { SessionRegistry } from '../engine/session-registry.js';
import { Rooms } from '../routing/rooms.js';
import { MetricsService } from '../metrics/metrics.service.js';

/** How often presence changes of one tenant are sent at most (they are coalesced). */
const PRESENCE_EVERY_MS = 500;

/**
 * The admin feed: `system.metrics` every METRICS_INTERVAL_MS to each tenant's admins (their own
 * figures) and to platform admins (the node's), `presence.changed` coalesced per tenant, and
 * `activity.log`. All volatile.
 */
@Injectable()
export class AdminFeedService implements OnApplicationBootstrap, OnModuleDestroy {
  private metricsTimer?: NodeJS.Timeout;
  private presenceTimer?: NodeJS.Timeout;
  private readonly dirtyTenants = new Set<string>();
  private lastTick = Date.now();
  private lastRates = new Map<string, number>();
  private lastTotalRate = 0;
  private lastP99: number | null = null;
  /** The event-loop delay p99 of the last interval (undefined before the first tick). */
  private lastLoopP99?: number;

  constructor(
    @InjectLogger(AdminFeedService.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SESSION_REGISTRY) private readonly sessions: SessionRegistry,
    @Inject(MESSAGE_STORE) private readonly store: MessageStore,
    @Inject(JOB_SCHEDULER) private readonly jobs: JobScheduler,
    private readonly delivery: DeliveryService,
    private readonly connections: Connections,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.metricsTimer = setInterval(
      () => background(this.logger, 'metrics tick', this.tick()),
      this.config.monitoring.metricsIntervalMs,
    );
    this.metricsTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.metricsTimer);
    clearTimeout(this.presenceTimer);
  }

  presenceChanged(tenantId: string): void {
    this.dirtyTenants.add(tenantId);
    if (this.presenceTimer) return;
    this.presenceTimer = setTimeout(
      () => background(this.logger, 'presence flush', this.flushPresence()),
      PRESENCE_EVERY_MS,
    );
    this.presenceTimer.unref();
  }

  /**
   * `activity.log` to the tenant's and the platform's admins, when any is connected on any node
   * (presence, at most a second old): with none, a cluster would broadcast it to nobody.
   */
  activity(session: Pick<Session, 'userId' | 'role' | 'tenantId'>, action: string): void {
    background(this.logger, 'activity feed', this.sendActivity(session, action));
  }

  private async sendActivity(session: Pick<Session, 'userId' | 'role' | 'tenantId'>, action: string) {
    // Presence unreadable (Redis away): send it, as before there was a check.
    const admins = await Promise.all([
      this.sessions.presence(session.tenantId),
      session.tenantId === ALL_TENANTS ? undefined : this.sessions.presence(ALL_TENANTS),
    ]).then(
      ([tenant, platform]) => tenant.admin + (platform?.admin ?? 0),
      () => 1,
    );
    if (admins === 0) return;
    this.delivery.emitVolatile({
      type: 'activity.log',
      tenantId: session.tenantId,
      data: { userId: session.userId, role: session.role, action, at: new Date().toISOString() },
      audience: {},
    });
  }

  /** The `system.metrics` figures for a tenant, or for the node with `"*"`. */
  async snapshot(scope: string): Promise<MetricsData> {
    const connections = { customer: 0, crew: 0, admin: 0, total: 0 };
    if (scope === ALL_TENANTS) {
      for (const role of ROLES) connections[role] = this.connections.count(role);
    } else {
      Object.assign(connections, await this.sessions.presence(scope));
    }
    connections.total = connections.customer + connections.crew + connections.admin;
    return {
      scope,
      connections,
      messagesPerSecond: scope === ALL_TENANTS ? this.lastTotalRate : (this.lastRates.get(scope) ?? 0),
      deliveryLatencyP99Ms: this.metrics.p99() ?? this.lastP99,
      eventLoopDelayP99Ms: this.lastLoopP99 ?? this.metrics.loopDelayP99(),
      queueDepth: this.delivery.pendingCount() + (await this.jobs.depth()),
      deadLetters: await this.store.countDeadLetters(scope),
      at: new Date().toISOString(),
    };
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - this.lastTick) / 1000);
    this.lastTick = now;
    const interval = this.metrics.takeInterval();
    this.lastTotalRate = round(interval.total / seconds);
    this.lastRates = new Map([...interval.byTenant].map(([t, n]) => [t, round(n / seconds)]));
    this.lastP99 = interval.p99;
    this.lastLoopP99 = interval.loopP99;
    for (const room of this.connections.rooms('admin')) {
      if (!room.startsWith('t:')) continue;
      const tenantId = room.slice(2);
      const data = await this.snapshot(tenantId);
      data.deliveryLatencyP99Ms = interval.p99;
      this.delivery.emitToLocalRoom('admin', Rooms.tenant(tenantId), 'system.metrics', tenantId, data);
    }
  }

  private async flushPresence(): Promise<void> {
    this.presenceTimer = undefined;
    const tenants = [...this.dirtyTenants];
    this.dirtyTenants.clear();
    for (const tenantId of tenants) {
      if (tenantId === ALL_TENANTS) continue;
      this.delivery.emitVolatile({
        type: 'presence.changed',
        tenantId,
        data: { tenantId, online: await this.sessions.presence(tenantId) },
        audience: {},
      });
    }
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
