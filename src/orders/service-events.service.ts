import { Inject, Injectable } from '@nestjs/common';
import type {
  Order,
  OrderPayment,
  OrderStatusUpdatedData,
  PaymentStatus,
  PublishableType,
  PublishJob,
} from '@orderwire/contracts';
import { isLegalTransition } from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ORDER_STORE } from '../engine/engine.tokens.js';
import type { OrderStore } from '../engine/order-store.js';
import { background } from '../util/background.js';
import { HubEvents } from '../util/hub-events.js';
import { CourierService } from './courier.service.js';
import { HandoffService } from './handoff.service.js';
import { MenuService } from './menu.service.js';
import { forPeople, moved, tenantsFull } from './order-changes.js';
import { OrdersService } from './orders.service.js';

/** The payment events and the `order.payment.status` each sets (docs/protocol.md section 10). */
const PAYMENT_STATUS: Partial<Record<PublishableType, PaymentStatus>> = {
  'payment.confirmed': 'paid',
  'payment.failed': 'failed',
  'payment.refunded': 'refunded',
};

/** How a service's publish lands on the board: the order it is about, and the data to deliver. */
export interface Applied {
  /** The order as it is after the event: its customer and crew stations are the recipients. */
  order?: Order;
  /** The data as the hub stored it (a new order with its number), in place of the published one. */
  data?: PublishJob['data'];
  /** Users it is also for (the couriers of an assignment), beside those the publish named. */
  userIds?: string[];
}

/**
 * Keeps the board in step with what services publish (PROTOCOL section 7): a new order joins it
 * (numbered), a status update moves it when the transition is legal from where the board has
 * it, and payment events set `order.payment` (docs/protocol.md section 10).
 */
@Injectable()
export class ServiceEventsService {
  constructor(
    @InjectLogger(ServiceEventsService.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORDER_STORE) private readonly orders: OrderStore,
    private readonly board: OrdersService,
    private readonly menus: MenuService,
    private readonly events: HubEvents,
    private readonly couriers: CourierService,
    private readonly handoff: HandoffService,
  ) {}

  async apply(job: PublishJob): Promise<Applied> {
    switch (job.type) {
      case 'order.created':
        return this.created(job, (job.data as { order: Order }).order);
      case 'order.status_updated':
        return this.statusUpdated(job, job.data as OrderStatusUpdatedData);
      case 'order.courier_assigned':
        return this.courierAssigned(job, job.data as { orderId: string; courierId: string | null });
      default: {
        const paid = PAYMENT_STATUS[job.type];
        if (paid) return this.payment(job, paid);
        const orderId = job.to?.orderId ?? (job.data as { orderId?: string }).orderId;
        const order = orderId ? await this.orders.get(job.tenantId, orderId) : undefined;
        return { order };
      }
    }
  }

  private async created(job: PublishJob, incoming: Order): Promise<Applied> {
    const at = new Date(job.publishedAt);
    const order: Order = {
      ...incoming,
      payment: incoming.payment ?? { status: 'pending', updatedAt: at.toISOString() },
      revision: 0,
      statusTimes: incoming.statusTimes ?? { [incoming.status]: incoming.createdAt },
    };
    const day = this.menus.businessDay(await this.menus.settings(job.tenantId), at);
    const stored = await this.orders.create(order, day);
    if (stored === 'tenants') throw tenantsFull(this.config.orders.maxTenants);
    if (stored) {
      this.audit(job, stored.orderId, undefined, { status: stored.status, orderNumber: stored.orderNumber });
      background(this.logger, 'order follow-up', this.board.afterPlaced(stored));
      // Its customer's app shows the hand-over code from the board (docs/protocol.md section 14).
      background(this.logger, 'hand-over code', this.handoff.issue(stored));
      return { order: stored, data: { order: stored } };
    }
    // A retried job, or an order the board has already: deliver it as the board has it.
    const existing = await this.orders.get(job.tenantId, order.orderId);
    return existing ? { order: existing, data: { order: existing } } : {};
  }

  private async statusUpdated(job: PublishJob, data: OrderStatusUpdatedData): Promise<Applied> {
    const changed = await this.board.change(job.tenantId, data.orderId, (order) => {
      if (
        order.status === data.previousStatus &&
        isLegalTransition(order.status, data.status, order.fulfillment)
      )
        return moved(order, data.status, new Date(job.publishedAt), data.etaMinutes);
      this.logger.warn(
        { orderId: order.orderId, board: order.status, published: data },
        'a service published a status the board cannot follow; delivered, board unchanged',
      );
      return undefined;
    });
    const after = changed?.after;
    if (after) this.audit(job, after.orderId, { status: changed.before.status }, { status: after.status });
    return {
      order: after ?? changed?.before,
      ...(after ? { data: { ...data, ...forPeople(after) } } : {}),
    };
  }

  /**
   * A dispatch service's courier (docs/protocol.md section 14): the board follows where the order
   * may have one; the hub fills in the rest of the message and sends it to both couriers too.
   */
  private async courierAssigned(
    job: PublishJob,
    data: { orderId: string; courierId: string | null },
  ): Promise<Applied> {
    const assigned = await this.couriers.fromService(job.tenantId, data, job.sender);
    if (!assigned) {
      this.logger.warn(
        { orderId: data.orderId, published: data },
        'a service assigned a courier to an order that cannot have one; delivered, board unchanged',
      );
      return { order: await this.orders.get(job.tenantId, data.orderId) };
    }
    const { before, after } = assigned;
    if (after)
      this.audit(job, after.orderId, { courierId: before.courierId ?? null }, { courierId: data.courierId });
    return {
      order: after ?? before,
      ...(assigned.data ? { data: assigned.data } : {}),
      userIds: [data.courierId, before.courierId].filter((id): id is string => !!id),
    };
  }

  /** A service's change of an order, in the tenant's audit trail. */
  private audit(
    job: PublishJob,
    orderId: string,
    before: Record<string, unknown> | undefined,
    after: Record<string, unknown>,
  ): void {
    void this.events.emit('audit', {
      tenantId: job.tenantId,
      actor: job.sender,
      action: job.type,
      orderId,
      ...(before ? { before } : {}),
      after,
    });
  }

  /**
   * Sets `order.payment` from a payment event: its status, and the amount, currency, method and
   * reason it carries (validated: nothing else). The event is delivered whatever the board had.
   */
  private async payment(job: PublishJob, status: PaymentStatus): Promise<Applied> {
    const { orderId, ...details } = job.data as { orderId: string } & Omit<
      OrderPayment,
      'status' | 'updatedAt'
    >;
    const updatedAt = new Date(job.publishedAt).toISOString();
    const changed = await this.board.change(job.tenantId, orderId, (order) =>
      order.payment?.status === status && order.payment.updatedAt === updatedAt
        ? undefined // a retried job: already applied
        : { ...order, payment: { status, ...details, updatedAt }, updatedAt },
    );
    if (changed?.after) {
      this.audit(
        job,
        orderId,
        { payment: changed.before.payment?.status ?? 'pending' },
        { payment: status, ...details },
      );
    }
    return { order: changed?.after ?? changed?.before };
  }
}
