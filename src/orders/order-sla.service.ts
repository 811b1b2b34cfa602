import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { Order } from '@orderwire/contracts';
import { placedAt } from '@orderwire/contracts';
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
/** The key prefix of a fired scheduled order's own check. */
const FIRED = 'fired@';

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
    this.jobs.handle('order-sla', (key) => (key.startsWith(FIRED) ? this.check(key) : this.sweep(key)));
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

  /**
   * A scheduled order fired to `placed` long after it was created, which the sweeps (by creation
   * time) do not see: its own check, ORDER_ACCEPT_SLA_SECONDS from now.
   */
  async watch(order: Order): Promise<void> {
    const key = `${FIRED}${order.tenantId}@${order.orderId}`;
    await this.jobs.schedule('order-sla', key, this.config.monitoring.orderAcceptSlaMs);
  }

  private async check(key: string): Promise<void> {
    const at = key.lastIndexOf('@');
    const order = await this.orders.get(key.slice(FIRED.length, at), key.slice(at + 1));
    if (order?.status === 'placed') await this.notAccepted(order);
  }

  /** Alerts on the orders that crossed the SLA during the interval that just ended, still placed. */
  private async sweep(key: string): Promise<void> {
    try {
      const every = this.sweepEveryMs();
      const slot = Number(key.slice('sweep-'.length));
      const to = slot * every - this.config.monitoring.orderAcceptSlaMs;
      for (const order of await this.orders.listActiveCreatedBetween(to - every, to, 1000)) {
        // Placed since it was created: a scheduled order's clock starts when it fires (watch).
        if (order.status === 'placed' && !order.scheduledFor) await this.notAccepted(order);
      }
    } finally {
      await this.scheduleSweep();
    }
  }

  private async notAccepted(order: Order): Promise<void> {
    const sla = this.config.monitoring.orderAcceptSlaMs;
    await this.alerts.raise(
      order.tenantId,
      'ORDER_NOT_ACCEPTED',
      'warning',
      `order ${order.orderId} has not been accepted after ${sla / 1000} s`,
      { orderId: order.orderId, placedAt: placedAt(order) },
    );
  }
}
