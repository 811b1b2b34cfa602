import { Inject, Injectable, Optional } from '@nestjs/common';
import type {
  BoardOrder,
  Order,
  OrderCancelDto,
  OrderStatus,
  OrderUpdateStatusDto,
  Sender,
} from '@orderwire/contracts';
import { canCancel, FINAL_STATUSES, isLegalTransition, nextStatuses } from '@orderwire/contracts';
import { actorOf, type Session } from '../session/session.js';
import { HubEvents } from '../util/hub-events.js';
import { conflict, forbidden, HubException, notFound } from '../util/hub.exception.js';
import { tenantOf } from '../session/tenant-scope.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { COURIER_STORE, ORDER_STORE, SESSION_REGISTRY } from '../engine/engine.tokens.js';
import type { CourierStore } from '../engine/courier-store.js';
import type { OrderStore } from '../engine/order-store.js';
import type { SessionRegistry } from '../engine/session-registry.js';
import type { StoredMessage } from '../engine/message-store.js';
import { AlertsService } from '../monitoring/alerts.service.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { background } from '../util/background.js';
import { CLOCK, type Clock, systemClock } from '../util/clock.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { forCouriers } from '../routing/routing.table.js';
import { HandoffService } from './handoff.service.js';
import { assertCourierMay, assertCrewMay, forPeople, moved, senderOf } from './order-changes.js';
import { MenuService } from './menu.service.js';

const BOARD_LIMIT = 1000;
/** Who fires scheduled orders and readies orders whose lines are all ready. */
const HUB: Sender = { id: 'hub', type: 'system' };
/** How the audit trail names the steps the hub takes itself. */
const HUB_ACTIONS: Partial<Record<OrderStatus, string>> = {
  placed: 'order.fired',
  ready: 'order.auto_ready',
  rejected: 'order.auto_rejected',
};

/** What decides which crew stations hear of an order (routing.table.ts). */
export const stationsOf = (o: Order): { status: OrderStatus; fulfillment: Order['fulfillment'] } => ({
  status: o.status,
  fulfillment: o.fulfillment,
});

/** The live order board and the status machine. */
@Injectable()
export class OrdersService {
  constructor(
    @InjectLogger(OrdersService.name) private readonly logger: HubLogger,
    @Inject(ORDER_STORE) private readonly orders: OrderStore,
    @Inject(COURIER_STORE) private readonly couriers: CourierStore,
    @Inject(SESSION_REGISTRY) private readonly sessions: SessionRegistry,
    private readonly delivery: DeliveryService,
    private readonly alerts: AlertsService,
    private readonly menus: MenuService,
    private readonly events: HubEvents,
    private readonly handoff: HandoffService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  /**
   * What `order.board` shows this session: its own orders for a customer, the tenant's otherwise;
   * for couriers, the delivery orders from `ready` on (their station, routing.table.ts) and the
   * ones they hold. A customer's delivery orders carry their hand-over codes, and the customer's
   * and admins' orders out for delivery their courier's last position (docs/protocol.md 14).
   */
  async board(session: Session): Promise<BoardOrder[]> {
    if (session.role === 'customer') {
      const own = await this.orders.listForCustomer(session.tenantId, session.userId, BOARD_LIMIT);
      return this.withPositions(await this.withCodes(own));
    }
    const active = await this.orders.listActive(session.tenantId, BOARD_LIMIT);
    if (session.role === 'admin') return this.withPositions(active);
    return session.crewRole === 'courier'
      ? active.filter((o) => forCouriers(o) || o.courierId === session.userId)
      : active;
  }

  private async withCodes(orders: Order[]): Promise<BoardOrder[]> {
    const codes = await this.handoff.codesOf(orders.filter((o) => !FINAL_STATUSES.has(o.status)));
    return codes.size === 0
      ? orders
      : orders.map((o) => (codes.has(o.orderId) ? { ...o, handoffCode: codes.get(o.orderId) } : o));
  }

  private async withPositions(orders: BoardOrder[]): Promise<BoardOrder[]> {
    const out = orders.filter((o) => o.status === 'out_for_delivery' && o.courierId !== undefined);
    if (out.length === 0) return orders;
    const positions = await this.couriers.positions(
      out[0]!.tenantId,
      out.map((o) => o.orderId),
    );
    // Fresh on the hub's clock too (the store expires them by the wall clock): COURIER_POSITION_TTL.
    const since = this.clock.now() - this.config.orders.courierPositionTtlMs;
    return orders.map((o) => {
      const p = positions.get(o.orderId);
      return p && p.courierId === o.courierId && Date.parse(p.at) > since ? { ...o, courierPosition: p } : o;
    });
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
    // The hand-over code (docs/protocol.md section 14): admins confirm a delivery without one.
    if (dto.status === 'delivered' && session.role === 'crew')
      await this.handoff.check(session, tenantId, dto);
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
      if (await this.orders.update(after, revision, message)) {
        // Out of the schedule (fired, cancelled): the scheduled orders' index and SLA follow.
        if (before.status === 'scheduled' && after.status !== 'scheduled')
          void this.events.emit('order.unscheduled', { before, after });
        if (this.events.has('order.changed')) void this.events.emit('order.changed', { before, after });
        return { before, after, message };
      }
    }
    throw conflict('the order changed meanwhile; reload it and try again', { orderId });
  }

  /**
   * A step the hub takes itself, announced by it: a scheduled order's time came (`scheduled` to
   * `placed`), or a preparing order's lines are all ready (`preparing` to `ready`). False when the
   * order is no longer `from` (cancelled, moved by someone, or by another node first).
   */
  async byHub(
    tenantId: string,
    orderId: string,
    from: OrderStatus,
    to: OrderStatus,
    note?: string,
  ): Promise<boolean> {
    try {
      await this.transition(HUB, tenantId, orderId, to, note === undefined ? {} : { note }, (order) => {
        if (order.status !== from) throw conflict(`the order is ${order.status}`);
      });
      return true;
    } catch (err) {
      if (err instanceof HubException && (err.code === 'CONFLICT' || err.code === 'NOT_FOUND')) return false;
      throw err;
    }
  }

  private async transition(
    by: Session | typeof HUB,
    tenantId: string,
    orderId: string,
    to: OrderStatus,
    extra: { etaMinutes?: number; note?: string },
    check: (order: Order) => void,
  ): Promise<{ orderId: string; status: OrderStatus }> {
    const session = by === HUB ? undefined : (by as Session);
    const sender: Sender = session ? senderOf(session) : HUB;
    const mutate = (order: Order): Order => {
      if (session?.role === 'customer' && order.customerId !== session.userId) throw notFound('order');
      check(order);
      if (session?.role === 'crew') {
        assertCrewMay(session.crewRole, order, to);
        assertCourierMay(session, order, to);
      }
      if (!isLegalTransition(order.status, to, order.fulfillment)) {
        throw conflict(`an order cannot go from ${order.status} to ${to}`, {
          from: order.status,
          to,
          allowed: nextStatuses(order.status, order.fulfillment),
        });
      }
      const next = moved(order, to, new Date(this.clock.now()), extra.etaMinutes);
      // A courier who takes out an order nobody holds holds it from now on (section 14).
      if (to === 'out_for_delivery' && order.courierId === undefined && session?.crewRole === 'courier')
        next.courierId = session.userId;
      return next;
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
          updatedBy: sender,
          ...forPeople(after),
        },
        sender,
        audience: { customerId: after.customerId, order: stationsOf(after) },
      });
    const changed = await this.change(tenantId, orderId, mutate, announce);
    if (!changed?.after) throw notFound('order');
    const { before } = changed;
    this.delivery.release(changed.message!);
    if (FINAL_STATUSES.has(to)) background(this.logger, 'hand-over code', this.handoff.forget(changed.after));
    void this.events.emit('audit', {
      tenantId,
      actor: session ? actorOf(session) : HUB,
      action:
        to === 'cancelled'
          ? 'order.cancel'
          : session
            ? 'order.update_status'
            : (HUB_ACTIONS[to] ?? 'order.status_updated'),
      orderId,
      before: { status: before.status },
      after: { status: to, ...(extra.etaMinutes !== undefined ? { etaMinutes: extra.etaMinutes } : {}) },
      ...(extra.note !== undefined ? { details: { note: extra.note } } : {}),
    });
    return { orderId, status: to };
  }

  /** NO_CREW_ONLINE, if the tenant has no crew connected; and the order's escalation (section 14). */
  async afterPlaced(order: Order): Promise<void> {
    void this.events.emit('order.placed', { order });
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
