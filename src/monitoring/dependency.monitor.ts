import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ALL_TENANTS } from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { Gauge } from 'prom-client';
import { DeliveryService } from '../delivery/delivery.service.js';
import { ENGINE_HEALTH, type EngineHealth } from '../engine/engine.tokens.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { HubEvents } from '../util/hub-events.js';

const CHECK_EVERY_MS = 1000;

/**
 * Watches the engine's dependencies. When one stops answering, this node's admins get
 * `system.alert DEPENDENCY_DOWN` (sent locally: the durable path needs the very dependency that is
 * down), and again with severity info when it is back, after the `dependency.recovered` listeners
 * (HubEvents) ran their catch-up steps.
 */
@Injectable()
export class DependencyMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private downSince?: number;
  private failing: string[] = [];
  private readonly up: Gauge<'dependency'>;

  constructor(
    @InjectLogger(DependencyMonitor.name) private readonly logger: HubLogger,
    @Inject(ENGINE_HEALTH) private readonly health: EngineHealth,
    private readonly delivery: DeliveryService,
    private readonly events: HubEvents,
    metrics: MetricsService,
  ) {
    this.up = new Gauge({
      name: 'orderwire_dependency_up',
      help: '1 while the dependency answers, 0 while it does not',
      labelNames: ['dependency'] as const,
      registers: [metrics.registry],
    });
  }

  /** True while some dependency does not answer (or the engine already knows it is cut off). */
  get isDown(): boolean {
    return this.downSince !== undefined || !this.health.connected();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async check(): Promise<void> {
    const down = await this.health.down();
    if (down.length > 0 && this.downSince === undefined) {
      this.downSince = Date.now();
      this.failing = down;
      for (const d of down) this.up.set({ dependency: d }, 0);
      this.logger.error({ dependencies: down }, 'dependency down');
      this.alert(
        'critical',
        `${down.join(', ')} cannot be reached; this node keeps serving its connections`,
        {
          dependencies: down,
        },
      );
    } else if (down.length === 0 && this.downSince !== undefined) {
      const downForMs = Date.now() - this.downSince;
      this.downSince = undefined;
      for (const d of this.failing) this.up.set({ dependency: d }, 1);
      this.logger.warn({ dependencies: this.failing, downForMs }, 'dependency recovered');
      await this.events.emit('dependency.recovered', { dependencies: this.failing, downForMs });
      this.alert('info', `${this.failing.join(', ')} can be reached again`, {
        dependencies: this.failing,
        recovered: true,
        downForMs,
      });
      this.failing = [];
    }
  }

  private alert(severity: 'critical' | 'info', message: string, details: Record<string, unknown>): void {
    this.delivery.emitToAllLocal('admin', 'system.alert', ALL_TENANTS, {
      code: 'DEPENDENCY_DOWN',
      severity,
      message,
      details,
    });
  }
}
