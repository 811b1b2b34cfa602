import { Inject, Injectable } from '@nestjs/common';
import type {
  CommandReply,
  Order,
  OrderCancelDto,
  OrderPlaceDto,
  OrderStatus,
  OrderUpdateStatusDto,
  Sender,
} from '@orderwire/contracts';
import {
  canCancel,
  DEFAULT_PREP_MINUTES,
  FINAL_STATUSES,
  isLegalTransition,
  nextStatuses,
} from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { background } from '../util/background.js';
import { actorOf, type Session } from '../session/session.js';
import { HubEvents } from '../util/hub-events.js';
import { conflict, forbidden, HubException, notFound } from '../util/hub.exception.js';
import { tenantOf } from '../session/tenant-scope.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { orderCreatedMessageId } from './order-message-id.js';
import { DeliveryService, type PublishInput } from '../delivery/delivery.service.js';
import { ORDER_STORE, SESSION_REGISTRY } from '../engine/engine.tokens.js';
import type { OrderStore } from '../engine/order-store.js';
import type { SessionRegistry } from '../engine/session-registry.js';
import type { StoredMessage } from '../engine/message-store.js';
import { AlertsService } from '../monitoring/alerts.service.js';
import { forCouriers } from '../routing/routing.table.js';
import { assertCrewMay, forPeople, limitReached, moved, newOrder, placed } from './order-changes.js';
import { MenuService } from './menu.service.js';
import { ORDER_GATE, type OrderGate } from './order-gate.js';

const BOARD_LIMIT = 1000;

/** What decides which crew stations hear of an order (routing.table.ts). */
export const stationsOf = (o: Order): { status: OrderStatus; fulfillment: Order['fulfillment'] } => ({
  status: o.status,
  fulfillment: o.fulfillment,
});

function senderOf(session: Session): Sender {
  return { id: session.userId, type: session.role };
}

/** An order's `order.created`, under the id every publish of it has. */
function createdOf(session: Session, order: Order): PublishInput<'order.created'> {
  return {
    type: 'order.created',
    tenantId: order.tenantId,
    data: { order },
    sender: senderOf(session),
    audience: { customerId: order.customerId, order: stationsOf(order) },
    id: orderCreatedMessageId(order.tenantId, order.orderId, order.createdAt),
  };
}

/** The live order board and the status machine. */
@Injectable()
export class OrdersService {
  constructor(
    @InjectLogger(OrdersService.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORDER_STORE) private readonly orders: OrderStore,
    @Inject(SESSION_REGISTRY) private readonly sessions: SessionRegistry,
    private readonly delivery: DeliveryService,
    private readonly alerts: AlertsService,
    private readonly menus: MenuService,
    private readonly events: HubEvents,
    @Inject(ORDER_GATE) private readonly gate: OrderGate,
  ) {}

  /**
   * What `order.board` shows this session: its own orders for a customer, the tenant's otherwise;
   * for couriers, the delivery orders from `ready` on (their station, routing.table.ts).
   */
  async board(session: Session): Promise<Order[]> {
    if (session.role === 'customer')
      return this.orders.listForCustomer(session.tenantId, session.userId, BOARD_LIMIT);
    const active = await this.orders.listActive(session.tenantId, BOARD_LIMIT);
    return session.role === 'crew' && session.crewRole === 'courier' ? active.filter(forCouriers) : active;
  }

  /** Whether `orderId` names an order this customer placed already (a retry of `order.place`). */
  async isRetry(session: Session, orderId: string | undefined): Promise<boolean> {
    if (orderId === undefined) return false;
    return (await this.orders.get(session.tenantId, orderId))?.customerId === session.userId;
  }

  /** `order.place`; a busy store adds `extraPrepMinutes` to the ETA the order gets. */
  async place(
    session: Session,
    dto: OrderPlaceDto,
    extraPrepMinutes = 0,
  ): Promise<CommandReply<'order.place'>> {
    // The restaurant's menu sets names and prices (docs/protocol.md section 9), never the client.
    const priced = await this.menus.price(session.tenantId, dto);
    const at = new Date();
    const prepMinutes = (priced.settings?.prepMinutes ?? DEFAULT_PREP_MINUTES) + extraPrepMinutes;
    const order = newOrder(session.tenantId, session.userId, dto, priced, at, prepMinutes);
    const limits = this.config.limits.activeOrders;
    // The restaurant's own backend may refuse it (docs/protocol.md section 12, decisions): asked
    // once the menu and the limits let it in, before anything is stored; a retry of a stored
    // order (or a clash with another's) is answered below without asking again.
    if (this.gate.decides(order.tenantId)) {
      await this.admit(session, dto.orderId);
      const known = dto.orderId !== undefined && (await this.orders.get(order.tenantId, dto.orderId));
      if (!known) await this.gate.decide(order);
    }
    // Limits, number, order and its order.created: one atomic step (OrderStore.place).
    const message = this.delivery.prepare({ ...createdOf(session, order), publishedAt: at.getTime() });
    const day = this.menus.businessDay(priced.settings, at);
    const result = await this.orders.place(order, day, limits, message);
    if ('limit' in result) throw limitReached(result.limit, limits);
    if ('exists' in result) {
      const existing = await this.orders.get(order.tenantId, order.orderId);
      if (existing && existing.customerId === session.userId) {
        // A retry. Its order.created was stored with it; the node that stored them may have died
        // before handing it on: deliver it again (the same id, so once in the log either way).
        if (existing.status === 'placed') await this.publishCreated(session, existing, false);
        return placed(existing);
      }
      // Another customer's: answered as a field the client must change, never as "it exists"
      // (CONFLICT would confirm to one customer that another has an order with that id).
      throw new HubException('VALIDATION_FAILED', 'choose another orderId, or leave it out', {
        fields: [
          { field: 'orderId', messages: ['this orderId cannot be used: choose another, or leave it out'] },
        ],
      });
    }
    const stored = result.placed;
    this.delivery.release(message);
    void this.events.emit('audit', {
      tenantId: stored.tenantId,
      actor: actorOf(session),
      action: 'order.place',
      orderId: stored.orderId,
      after: {
        status: stored.status,
        orderNumber: stored.orderNumber,
        total: stored.total,
        currency: stored.currency,
      },
    });
    // The order is placed and published: what follows must not fail the command.
    background(this.logger, 'order follow-up', this.afterPlaced(stored));
    return placed(stored);
  }

  private async publishCreated(session: Session, order: Order, fresh: boolean): Promise<void> {
    await this.delivery.publish({ ...createdOf(session, order), fresh });
  }

  /**
   * MAX_ACTIVE_ORDERS_PER_CUSTOMER and MAX_ACTIVE_ORDERS_PER_TENANT before a decision webhook is
   * asked (a retry of an order that exists goes on). The binding check is OrderStore.place's, in
   * the same step as the write; this one only spares the backend an order that would be refused.
   */
  private async admit(session: Session, orderId: string | undefined): Promise<void> {
    const { perCustomer, perTenant } = this.config.limits.activeOrders;
    const active = await this.orders.countActive(session.tenantId, session.userId);
    const scope =
      active.customer >= perCustomer ? 'customer' : active.tenant >= perTenant ? 'tenant' : undefined;
    if (!scope) return;
    if (orderId && (await this.orders.get(session.tenantId, orderId))?.customerId === session.userId) return;
    throw limitReached(scope, this.config.limits.activeOrders);
  }

  async cancel(session: Session, dto: OrderCancelDto): Promise<{ orderId: string; status: OrderStatus }> {
    const tenantId = tenantOf(session, dto.tenantId);
    return this.transition(session, tenantId, dto.orderId, 'cancelled', { note: dto.reason }, (order) => {
      if (FINAL_STATUSES.has(order.status)) {
        throw conflict(`the order is already ${order.status}`, { status: order.status });
      }
      if (!canCancel(session.role, order.status)) {
        throw forbidden(`a customer cannot cancel an order that is ${order.status}`);
      }
    });
  }

  async updateStatus(
    session: Session,
    dto: OrderUpdateStatusDto,
  ): Promise<{ orderId: string; status: OrderStatus }> {
    const tenantId = tenantOf(session, dto.tenantId);
    const settings = dto.status === 'accepted' ? await this.menus.settings(tenantId) : undefined;
    return this.transition(session, tenantId, dto.orderId, dto.status, dto, (order) => {
      if (settings?.paymentBeforeAccept && order.payment?.status !== 'paid') {
        throw new HubException('PAYMENT_REQUIRED', 'this restaurant accepts an order once it is paid', {
          payment: order.payment?.status ?? 'pending',
        });
      }
    });
  }

  /**
   * A change of one order as compare-and-set on its revision: read, `mutate` (which may refuse by
   * throwing, or return undefined to leave the order alone), write; when another change won in
   * between (a payment, another crew member), read again and retry, up to 3 times. With
   * `announce`, the message it builds from the change is stored in the same step as the write
   * (OrderStore.update), so the log has the board's changes in the board's order; the caller
   * releases it (DeliveryService.release).
   */
  async change(
    tenantId: string,
    orderId: string,
    mutate: (order: Order) => Order | undefined,
    announce?: (before: Order, after: Order) => StoredMessage,
  ): Promise<{ before: Order; after?: Order; message?: StoredMessage } | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = await this.orders.get(tenantId, orderId);
      if (!before) return undefined;
      const draft = mutate(before);
      if (!draft) return { before };
      const revision = before.revision ?? 0;
      const after: Order = { ...draft, revision: revision + 1 };
      const message = announce?.(before, after);
      if (await this.orders.update(after, revision, message)) return { before, after, message };
    }
    throw conflict('the order changed meanwhile; reload it and try again', { orderId });
  }

  private async transition(
    session: Session,
    tenantId: string,
    orderId: string,
    to: OrderStatus,
    extra: { etaMinutes?: number; note?: string },
    check: (order: Order) => void,
  ): Promise<{ orderId: string; status: OrderStatus }> {
    const mutate = (order: Order): Order => {
      if (session.role === 'customer' && order.customerId !== session.userId) throw notFound('order');
      check(order);
      if (session.role === 'crew') assertCrewMay(session.crewRole, order, to);
      if (!isLegalTransition(order.status, to, order.fulfillment)) {
        throw conflict(`an order cannot go from ${order.status} to ${to}`, {
          from: order.status,
          to,
          allowed: nextStatuses(order.status, order.fulfillment),
        });
      }
      return moved(order, to, new Date(), extra.etaMinutes);
    };
    const announce = (before: Order, after: Order): StoredMessage =>
      this.delivery.prepare({
        type: 'order.status_updated',
        tenantId,
        data: {
          orderId,
          status: to,
          previousStatus: before.status,
          ...(extra.etaMinutes !== undefined ? { etaMinutes: extra.etaMinutes, etaAt: after.etaAt } : {}),
          ...(extra.note !== undefined ? { note: extra.note } : {}),
          updatedBy: senderOf(session),
          ...forPeople(after),
        },
        sender: senderOf(session),
        audience: { customerId: after.customerId, order: stationsOf(after) },
      });
    const changed = await this.change(tenantId, orderId, mutate, announce);
    if (!changed?.after) throw notFound('order');
    const { before } = changed;
    this.delivery.release(changed.message!);
    void this.events.emit('audit', {
      tenantId,
      actor: actorOf(session),
      action: to === 'cancelled' ? 'order.cancel' : 'order.update_status',
      orderId,
      before: { status: before.status },
      after: { status: to, ...(extra.etaMinutes !== undefined ? { etaMinutes: extra.etaMinutes } : {}) },
      ...(extra.note !== undefined ? { details: { note: extra.note } } : {}),
    });
    return { orderId, status: to };
  }

  /** NO_CREW_ONLINE, if the tenant has no crew connected. */
  async afterPlaced(order: Order): Promise<void> {
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
