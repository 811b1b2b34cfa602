import { Inject, Injectable } from '@nestjs/common';
import type {
  CommandReply,
  CourierLocationDto,
  Order,
  OrderCancelDto,
  OrderPlaceDto,
  OrderStatus,
  OrderUpdateStatusDto,
  PublishJob,
  Sender,
} from '@orderwire/contracts';
import { canCancel, newUlid, FINAL_STATUSES, isLegalTransition, nextStatuses } from '@orderwire/contracts';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { background } from '../util/background.js';
import type { Session } from '../session/session.js';
import { conflict, forbidden, HubException, notFound } from '../util/hub.exception.js';
import { tenantOf } from '../session/tenant-scope.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { orderCreatedMessageId } from './order-message-id.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { ORDER_STORE, SESSION_REGISTRY } from '../engine/engine.tokens.js';
import type { OrderStore } from '../engine/order-store.js';
import type { SessionRegistry } from '../engine/session-registry.js';
import { AlertsService } from '../monitoring/alerts.service.js';
import { MenuService } from './menu.service.js';

const BOARD_LIMIT = 1000;

const placed = (o: Order): CommandReply<'order.place'> => ({
  orderId: o.orderId,
  status: o.status,
  total: o.total,
  currency: o.currency,
});

function senderOf(session: Session): Sender {
  return { id: session.userId, type: session.role };
}

/** The live order board and the status machine. */
@Injectable()
export class OrdersService {
  constructor(
    @InjectPinoLogger(OrdersService.name) private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORDER_STORE) private readonly orders: OrderStore,
    @Inject(SESSION_REGISTRY) private readonly sessions: SessionRegistry,
    private readonly delivery: DeliveryService,
    private readonly alerts: AlertsService,
    private readonly menus: MenuService,
  ) {}

  /** What `order.board` shows this session: its own orders for a customer, the tenant's otherwise. */
  board(session: Session): Promise<Order[]> {
    return session.role === 'customer'
      ? this.orders.listForCustomer(session.tenantId, session.userId, BOARD_LIMIT)
      : this.orders.listActive(session.tenantId, BOARD_LIMIT);
  }

  async place(session: Session, dto: OrderPlaceDto): Promise<CommandReply<'order.place'>> {
    // The restaurant's menu sets names and prices (docs/protocol.md section 9), never the client.
    const priced = await this.menus.price(session.tenantId, dto);
    const now = new Date().toISOString();
    const order: Order = {
      orderId: dto.orderId ?? newUlid(),
      tenantId: session.tenantId,
      customerId: session.userId,
      items: priced.items,
      total: priced.total,
      currency: priced.currency,
      fulfillment: dto.fulfillment,
      status: 'placed',
      ...(dto.deliveryAddress ? { deliveryAddress: { ...dto.deliveryAddress } } : {}),
      ...(dto.notes !== undefined ? { notes: dto.notes } : {}),
      createdAt: now,
      updatedAt: now,
      statusTimes: { placed: now },
    };
    await this.admit(session, dto.orderId);
    if (!(await this.orders.create(order))) {
      const existing = await this.orders.get(order.tenantId, order.orderId);
      if (existing && existing.customerId === session.userId) {
        // A retry. If the node that stored the order died before publishing it, nobody has
        // heard of it yet: publish it now, under the id its first publish had (once, either way).
        if (existing.status === 'placed') await this.publishCreated(session, existing, false);
        return placed(existing);
      }
      throw conflict('an order with this orderId already exists', { orderId: order.orderId });
    }
    await this.publishCreated(session, order, true);
    // The order is placed and published: what follows must not fail the command.
    background(this.logger, 'order follow-up', this.afterPlaced(order));
    return placed(order);
  }

  private async publishCreated(session: Session, order: Order, fresh: boolean): Promise<void> {
    await this.delivery.publish({
      type: 'order.created',
      tenantId: order.tenantId,
      data: { order },
      sender: senderOf(session),
      audience: { customerId: order.customerId },
      id: orderCreatedMessageId(order.tenantId, order.orderId, order.createdAt),
      fresh,
    });
  }

  /**
   * MAX_ACTIVE_ORDERS_PER_CUSTOMER and MAX_ACTIVE_ORDERS_PER_TENANT: a new order past either is
   * LIMIT_REACHED (a retry of an order that exists goes on, and `create` answers it). Checked
   * before the write, so concurrent placements on several nodes can pass it by a few.
   */
  private async admit(session: Session, orderId: string | undefined): Promise<void> {
    const { perCustomer, perTenant } = this.config.limits.activeOrders;
    const active = await this.orders.countActive(session.tenantId, session.userId);
    const scope =
      active.customer >= perCustomer ? 'customer' : active.tenant >= perTenant ? 'tenant' : undefined;
    if (!scope) return;
    if (orderId && (await this.orders.get(session.tenantId, orderId))?.customerId === session.userId) return;
    const limit = scope === 'customer' ? perCustomer : perTenant;
    throw new HubException(
      'LIMIT_REACHED',
      scope === 'customer'
        ? `at most ${limit} active orders per customer: wait for one to finish`
        : `this restaurant has ${limit} active orders, its limit: try again later`,
      { scope, limit },
    );
  }

  async cancel(session: Session, dto: OrderCancelDto): Promise<{ orderId: string; status: OrderStatus }> {
    const tenantId = tenantOf(session, dto.tenantId);
    const order = await this.orders.get(tenantId, dto.orderId);
    if (!order || (session.role === 'customer' && order.customerId !== session.userId))
      throw notFound('order');
    if (FINAL_STATUSES.has(order.status)) {
      throw conflict(`the order is already ${order.status}`, { status: order.status });
    }
    if (!canCancel(session.role, order.status)) {
      throw forbidden(`a customer cannot cancel an order that is ${order.status}`);
    }
    return this.transition(session, order, 'cancelled', { note: dto.reason });
  }

  async updateStatus(
    session: Session,
    dto: OrderUpdateStatusDto,
  ): Promise<{ orderId: string; status: OrderStatus }> {
    const tenantId = tenantOf(session, dto.tenantId);
    const order = await this.orders.get(tenantId, dto.orderId);
    if (!order) throw notFound('order');
    return this.transition(session, order, dto.status, { etaMinutes: dto.etaMinutes, note: dto.note });
  }

  /** Relays a courier's position to the order's customer while it is out for delivery. */
  async courierLocation(session: Session, dto: CourierLocationDto): Promise<{ relayed: boolean }> {
    const order = await this.orders.get(session.tenantId, dto.orderId);
    if (!order) throw notFound('order');
    if (order.status !== 'out_for_delivery') return { relayed: false };
    this.delivery.emitVolatile({
      type: 'courier.location',
      tenantId: order.tenantId,
      data: {
        orderId: order.orderId,
        lat: dto.lat,
        lng: dto.lng,
        ...(dto.heading !== undefined ? { heading: dto.heading } : {}),
        at: new Date().toISOString(),
      },
      sender: senderOf(session),
      audience: { customerId: order.customerId },
    });
    return { relayed: true };
  }

  private async transition(
    session: Session,
    order: Order,
    to: OrderStatus,
    extra: { etaMinutes?: number; note?: string },
  ): Promise<{ orderId: string; status: OrderStatus }> {
    if (!isLegalTransition(order.status, to, order.fulfillment)) {
      throw conflict(`an order cannot go from ${order.status} to ${to}`, {
        from: order.status,
        to,
        allowed: nextStatuses(order.status, order.fulfillment),
      });
    }
    const now = new Date().toISOString();
    const next: Order = {
      ...order,
      status: to,
      updatedAt: now,
      statusTimes: { ...order.statusTimes, [to]: now },
      ...(extra.etaMinutes !== undefined ? { etaMinutes: extra.etaMinutes } : {}),
    };
    if (!(await this.orders.update(next, order.status))) {
      throw conflict('the order changed meanwhile; reload it and try again', { orderId: order.orderId });
    }
    await this.delivery.publish({
      type: 'order.status_updated',
      tenantId: order.tenantId,
      data: {
        orderId: order.orderId,
        status: to,
        previousStatus: order.status,
        ...(extra.etaMinutes !== undefined ? { etaMinutes: extra.etaMinutes } : {}),
        ...(extra.note !== undefined ? { note: extra.note } : {}),
        updatedBy: senderOf(session),
      },
      sender: senderOf(session),
      audience: { customerId: order.customerId },
    });
    return { orderId: order.orderId, status: to };
  }

  /**
   * Keeps the board in step with what a service publishes: a new order joins it, a status
   * update moves it when the transition is legal from where the board has it. Returns the
   * order's customer, for routing.
   */
  async applyServiceEvent(job: PublishJob): Promise<{ customerId?: string }> {
    switch (job.type) {
      case 'order.created': {
        const incoming = (job.data as { order: Order }).order;
        const order: Order = {
          ...incoming,
          statusTimes: incoming.statusTimes ?? { [incoming.status]: incoming.createdAt },
        };
        if (await this.orders.create(order)) {
          background(this.logger, 'order follow-up', this.afterPlaced(order));
          return { customerId: order.customerId };
        }
        return { customerId: (await this.orders.get(job.tenantId, order.orderId))?.customerId };
      }
      case 'order.status_updated': {
        const data = job.data as {
          orderId: string;
          status: OrderStatus;
          previousStatus: OrderStatus;
          etaMinutes?: number;
        };
        const order = await this.orders.get(job.tenantId, data.orderId);
        if (!order) return {};
        if (
          order.status === data.previousStatus &&
          isLegalTransition(order.status, data.status, order.fulfillment)
        ) {
          const now = new Date(job.publishedAt).toISOString();
          await this.orders.update(
            {
              ...order,
              status: data.status,
              updatedAt: now,
              statusTimes: { ...order.statusTimes, [data.status]: now },
              ...(data.etaMinutes !== undefined ? { etaMinutes: data.etaMinutes } : {}),
            },
            order.status,
          );
        } else {
          this.logger.warn(
            { orderId: order.orderId, board: order.status, published: data },
            'a service published a status the board cannot follow; delivered, board unchanged',
          );
        }
        return { customerId: order.customerId };
      }
      default: {
        const orderId = job.to?.orderId ?? (job.data as { orderId?: string }).orderId;
        return {
          customerId: orderId ? (await this.orders.get(job.tenantId, orderId))?.customerId : undefined,
        };
      }
    }
  }

  /** NO_CREW_ONLINE, if the tenant has no crew connected. */
  private async afterPlaced(order: Order): Promise<void> {
    const presence = await this.sessions.presence(order.tenantId);
    if (presence.crew === 0) {
      await this.alerts.raise(
        order.tenantId,
        'NO_CREW_ONLINE',
        'critical',
        'an order was placed while no crew is online',
        {
          orderId: order.orderId,
        },
      );
    }
  }
}
