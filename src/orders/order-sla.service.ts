import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { JOB_SCHEDULER, ORDER_STORE } from '../engine/engine.tokens.js';
import type { JobScheduler } from '../engine/job-scheduler.js';
import type { OrderStore } from '../engine/order-store.js';
import { AlertsService } from '../monitoring/alerts.service.js';
import { background } from '../util/background.js';

/**
 * ORDER_NOT_ACCEPTED: orders still placed ORDER_ACCEPT_SLA_SECONDS after they were created. It
 * comes from a sweep, one per interval for the whole cluster (the job key is the interval's
 * number, so every node schedules the same job and one runs it), rather than a queue job per
 * order, which cost a BullMQ add and remove on every order.
 */
@Injectable()
export class OrderSlaService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private sweepTimer?: NodeJS.Timeout;

  constructor(
    @InjectLogger(OrderSlaService.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORDER_STORE) private readonly orders: OrderStore,
    @Inject(JOB_SCHEDULER) private readonly jobs: JobScheduler,
    private readonly alerts: AlertsService,
  ) {}

  onModuleInit(): void {
    this.jobs.handle('order-sla', (key) => this.sweep(key));
  }

  onApplicationBootstrap(): void {
    // Every node keeps the next sweep scheduled, so the sweeps go on whichever nodes live.
    background(this.logger, 'SLA sweep', this.scheduleSweep());
    this.sweepTimer = setInterval(
      () => background(this.logger, 'SLA sweep', this.scheduleSweep()),
      this.sweepEveryMs(),
    );
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
  }

  private sweepEveryMs(): number {
    return Math.min(10_000, Math.max(250, Math.floor(this.config.monitoring.orderAcceptSlaMs / 4)));
  }

  private async scheduleSweep(): Promise<void> {
    const every = this.sweepEveryMs();
    const slot = Math.floor(Date.now() / every) + 1;
    await this.jobs.schedule('order-sla', `sweep-${slot}`, slot * every - Date.now());
  }

  /** Alerts on the orders that crossed the SLA during the interval that just ended, still placed. */
  private async sweep(key: string): Promise<void> {
    try {
      const every = this.sweepEveryMs();
      const slot = Number(key.slice('sweep-'.length));
      const sla = this.config.monitoring.orderAcceptSlaMs;
      const to = slot * every - sla;
      for (const order of await this.orders.listActiveCreatedBetween(to - every, to, 1000)) {
        if (order.status !== 'placed') continue;
        await this.alerts.raise(
          order.tenantId,
          'ORDER_NOT_ACCEPTED',
          'warning',
          `order ${order.orderId} has not been accepted after ${sla / 1000} s`,
          {
            orderId: order.orderId,
            placedAt: order.createdAt,
          },
        );
      }
    } finally {
      await this.scheduleSweep();
    }
  }
}
