import { Inject, Injectable, Optional } from '@nestjs/common';
import type { CommandReply, Order, OrderPlaceDto } from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeliveryService, type PublishInput } from '../delivery/delivery.service.js';
import { ORDER_STORE } from '../engine/engine.tokens.js';
import type { OrderStore } from '../engine/order-store.js';
import { actorOf, type Session } from '../session/session.js';
import { background } from '../util/background.js';
import { CLOCK, type Clock, systemClock } from '../util/clock.js';
import { HubEvents } from '../util/hub-events.js';
import { invalid } from '../util/hub.exception.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { HandoffService } from './handoff.service.js';
import { KitchenLoadService } from './kitchen-load.service.js';
import { MenuService } from './menu.service.js';
import { limitReached, tenantsFull, newOrder, placed, senderOf } from './order-changes.js';
import { ORDER_GATE, type OrderGate } from './order-gate.js';
import { orderCreatedMessageId } from './order-message-id.js';
import { OrdersService, stationsOf } from './orders.service.js';
import { ScheduledOrdersService } from './scheduled-orders.service.js';

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

/**
 * `order.place` (docs/protocol.md sections 5, 9, 12 and 13): priced from the menu, asked of a
 * deciding webhook, checked against the limits, numbered and stored with its `order.created` in
 * one step; now, or `scheduled` for later.
 */
@Injectable()
export class OrderPlacementService {
  constructor(
    @InjectLogger(OrderPlacementService.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORDER_STORE) private readonly orders: OrderStore,
    private readonly board: OrdersService,
    private readonly scheduled: ScheduledOrdersService,
    private readonly delivery: DeliveryService,
    private readonly menus: MenuService,
    private readonly events: HubEvents,
    private readonly handoff: HandoffService,
    private readonly load: KitchenLoadService,
    @Inject(ORDER_GATE) private readonly gate: OrderGate,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  /** Whether `orderId` names an order this customer placed already (a retry of `order.place`). */
  async isRetry(session: Session, orderId: string | undefined): Promise<boolean> {
    if (orderId === undefined) return false;
    return (await this.orders.get(session.tenantId, orderId))?.customerId === session.userId;
  }

  /**
   * `order.place`; a busy store adds `extraPrepMinutes` to the ETA the order gets. With
   * `scheduledFor` the order is stored `scheduled` and fires later (ScheduledOrdersService).
   */
  async place(
    session: Session,
    dto: OrderPlaceDto,
    extraPrepMinutes = 0,
  ): Promise<CommandReply<'order.place'>> {
    const plan =
      dto.scheduledFor === undefined
        ? undefined
        : await this.scheduled.plan(session.tenantId, dto.scheduledFor, extraPrepMinutes);
    // The restaurant's menu sets names and prices (docs/protocol.md section 9), never the client.
    const priced = await this.menus.price(session.tenantId, dto);
    const at = new Date(this.clock.now());
    // For now: the kitchen's load says when (docs/protocol.md section 14); for later, the plan.
    const estimate = plan
      ? undefined
      : await this.load.estimate(session.tenantId, priced.items, priced.settings, extraPrepMinutes);
    const prepMinutes = plan?.prepMinutes ?? estimate!.etaMinutes;
    const order = newOrder(
      session.tenantId,
      session.userId,
      dto,
      priced,
      at,
      prepMinutes,
      plan,
      estimate?.ordersAhead,
    );
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
    // A scheduled order takes its place in the index first: never a scheduled order without one.
    if (plan) await this.scheduled.reserve(order);
    const result = await this.orders.place(order, day, limits, message).catch(async (err: unknown) => {
      if (plan) await this.scheduled.release(order);
      throw err;
    });
    if ('limit' in result) {
      if (plan) await this.scheduled.release(order);
      throw result.limit === 'tenants'
        ? tenantsFull(this.config.orders.maxTenants)
        : limitReached(result.limit, limits);
    }
    if ('exists' in result) {
      const existing = await this.orders.get(order.tenantId, order.orderId);
      if (existing && existing.customerId === session.userId) {
        // A retry. Its order.created was stored with it; the node that stored them may have died
        // before handing it on: deliver it again (the same id, so once in the log either way).
        if (existing.status === 'placed' || existing.status === 'scheduled')
          await this.publishCreated(session, existing, false);
        return placed(existing, await this.handoff.issue(existing));
      }
      // Another customer's: answered as a field the client must change, never as "it exists"
      // (CONFLICT would confirm to one customer that another has an order with that id).
      throw invalid(
        [{ field: 'orderId', messages: ['this orderId cannot be used: choose another, or leave it out'] }],
        'choose another orderId, or leave it out',
      );
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
    if (plan) background(this.logger, 'scheduled order', this.scheduled.stored(stored));
    else background(this.logger, 'order follow-up', this.board.afterPlaced(stored));
    return placed(stored, await this.handoff.issue(stored));
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
}
