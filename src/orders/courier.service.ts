import { Inject, Injectable, Optional } from '@nestjs/common';
import type {
  CommandReply,
  CourierLocationDto,
  Order,
  OrderAssignCourierDto,
  OrderClaimDto,
  OrderCourierAssignedData,
  Sender,
} from '@orderwire/contracts';
import { FINAL_STATUSES } from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { COURIER_STORE, ORDER_STORE } from '../engine/engine.tokens.js';
import type { CourierStore } from '../engine/courier-store.js';
import type { StoredMessage } from '../engine/message-store.js';
import type { OrderStore } from '../engine/order-store.js';
import { actorOf, type Session } from '../session/session.js';
import { tenantOf } from '../session/tenant-scope.js';
import { CLOCK, type Clock, systemClock } from '../util/clock.js';
import { HubEvents } from '../util/hub-events.js';
import { conflict, forbidden, HubException, notFound } from '../util/hub.exception.js';
import { MenuService } from './menu.service.js';
import { notHolder, senderOf } from './order-changes.js';
import { OrdersService, stationsOf } from './orders.service.js';

/** An assignment, as it lands on the board: the order after it and what to announce. */
export interface Assignment {
  before: Order;
  after?: Order;
  data?: OrderCourierAssignedData;
}

/**
 * Couriers and their orders (docs/protocol.md section 14): who holds a delivery order (assigned
 * by the front, claimed by a courier, or taken out), and the positions its holder relays.
 */
@Injectable()
export class CourierService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORDER_STORE) private readonly orders: OrderStore,
    @Inject(COURIER_STORE) private readonly couriers: CourierStore,
    private readonly board: OrdersService,
    private readonly menus: MenuService,
    private readonly delivery: DeliveryService,
    private readonly events: HubEvents,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Relays the holder's position to the order's customer and the tenant's admins while it is out
   * for delivery, and keeps it as the order's last (COURIER_POSITION_TTL_SECONDS).
   */
  async location(session: Session, dto: CourierLocationDto): Promise<{ relayed: boolean }> {
    const order = await this.orders.get(session.tenantId, dto.orderId);
    if (!order) throw notFound('order');
    const held = order.courierId !== undefined;
    if (held && order.courierId !== session.userId) throw notHolder(order);
    if (order.status !== 'out_for_delivery') return { relayed: false };
    if (!held) throw forbidden('nobody holds this order: a courier must be assigned to it first');
    const position = {
      courierId: session.userId,
      lat: dto.lat,
      lng: dto.lng,
      ...(dto.heading !== undefined ? { heading: dto.heading } : {}),
      at: new Date(this.clock.now()).toISOString(),
    };
    const { courierId: _, ...relayed } = position;
    this.delivery.emitVolatile({
      type: 'courier.location',
      tenantId: order.tenantId,
      data: { orderId: order.orderId, ...relayed },
      sender: senderOf(session),
      audience: { customerId: order.customerId },
    });
    // Kept after it is relayed (the customer sees it first); the reply waits for it.
    await this.couriers.setPosition(
      order.tenantId,
      order.orderId,
      position,
      this.config.orders.courierPositionTtlMs,
    );
    return { relayed: true };
  }

  /** `order.assign_courier`: the front (or an admin) says who carries it, or that no one does. */
  async assign(session: Session, dto: OrderAssignCourierDto): Promise<CommandReply<'order.assign_courier'>> {
    const tenantId = tenantOf(session, dto.tenantId);
    const result = await this.bind(tenantId, dto.orderId, dto.courierId, senderOf(session), (order) => {
      assignable(order);
      if (dto.courierId === null && order.status === 'out_for_delivery')
        throw conflict('the order is out for delivery: assign another courier instead', {
          status: order.status,
        });
    });
    this.audit(session, 'order.assign_courier', result);
    const previous = result.after ? result.before.courierId : undefined;
    return {
      orderId: dto.orderId,
      courierId: dto.courierId,
      ...(previous !== undefined ? { previousCourierId: previous } : {}),
    };
  }

  /** `order.claim`: a courier takes a ready delivery order nobody holds; the first claim wins. */
  async claim(session: Session, dto: OrderClaimDto): Promise<CommandReply<'order.claim'>> {
    const tenantId = tenantOf(session, dto.tenantId);
    if (!(await this.menus.settings(tenantId)).courierSelfAssign)
      throw forbidden('this restaurant assigns its couriers: ask the front for this order');
    const result = await this.bind(tenantId, dto.orderId, session.userId, senderOf(session), (order) => {
      if (order.fulfillment !== 'delivery' || order.status !== 'ready')
        throw conflict(`only a ready delivery order can be claimed; this one is ${order.status}`, {
          status: order.status,
          fulfillment: order.fulfillment,
        });
      if (order.courierId !== undefined && order.courierId !== session.userId)
        throw conflict('another courier holds this order', { courierId: order.courierId });
    });
    this.audit(session, 'order.claim', result);
    return { orderId: dto.orderId, courierId: session.userId };
  }

  /**
   * A service's `order.courier_assigned` (a dispatch service): the board follows when the order
   * may be assigned, and the hub fills in the rest; otherwise it is delivered as published.
   */
  async fromService(
    tenantId: string,
    data: { orderId: string; courierId: string | null },
    by: Sender,
  ): Promise<Assignment | undefined> {
    try {
      return await this.bind(tenantId, data.orderId, data.courierId, by, assignable, false);
    } catch (err) {
      if (err instanceof HubException) return undefined;
      throw err;
    }
  }

  /**
   * Sets who holds the order, compare-and-set on its revision (OrdersService.change); `check`
   * refuses by throwing. With `announce`, the `order.courier_assigned` is stored in the same step
   * and released (a service's publish is delivered by the publish path instead). Giving it to
   * whoever holds it already changes and announces nothing.
   */
  private async bind(
    tenantId: string,
    orderId: string,
    courierId: string | null,
    by: Sender,
    check: (order: Order) => void,
    announce = true,
  ): Promise<Assignment> {
    const message = (before: Order, after: Order): StoredMessage =>
      this.delivery.prepare({
        type: 'order.courier_assigned',
        tenantId,
        data: assignedData(before, after, by),
        sender: by,
        audience: {
          customerId: after.customerId,
          order: stationsOf(after),
          userIds: [after.courierId, before.courierId].filter((id): id is string => !!id),
        },
      });
    const changed = await this.board.change(
      tenantId,
      orderId,
      (order) => {
        check(order);
        if ((order.courierId ?? null) === courierId) return undefined;
        const { courierId: _, ...rest } = order;
        const at = new Date(this.clock.now()).toISOString();
        return { ...rest, ...(courierId !== null ? { courierId } : {}), updatedAt: at };
      },
      announce ? message : undefined,
    );
    if (!changed) throw notFound('order');
    if (changed.message) this.delivery.release(changed.message);
    const { before, after } = changed;
    return { before, after, ...(after ? { data: assignedData(before, after, by) } : {}) };
  }

  private audit(session: Session, action: string, result: Assignment): void {
    if (!result.after) return;
    void this.events.emit('audit', {
      tenantId: result.after.tenantId,
      actor: actorOf(session),
      action,
      orderId: result.after.orderId,
      before: { courierId: result.before.courierId ?? null },
      after: { courierId: result.after.courierId ?? null },
    });
  }
}

/** Whether a courier may be assigned to the order at all: a delivery order, not final. */
function assignable(order: Order): void {
  if (order.fulfillment !== 'delivery' || FINAL_STATUSES.has(order.status))
    throw conflict(
      order.fulfillment !== 'delivery'
        ? `a ${order.fulfillment} order has no courier`
        : `the order is already ${order.status}`,
      { status: order.status, fulfillment: order.fulfillment },
    );
}

/** What `order.courier_assigned` says of a change of courier. */
function assignedData(before: Order, after: Order, by: Sender): OrderCourierAssignedData {
  return {
    orderId: after.orderId,
    ...(after.orderNumber ? { orderNumber: after.orderNumber } : {}),
    courierId: after.courierId ?? null,
    ...(before.courierId !== undefined ? { previousCourierId: before.courierId } : {}),
    status: after.status,
    ...(after.deliveryAddress ? { deliveryAddress: after.deliveryAddress } : {}),
    assignedBy: by,
  };
}
