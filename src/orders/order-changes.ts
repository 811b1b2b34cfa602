import type { CommandReply, CrewRole, Order, OrderPlaceDto, OrderStatus, Sender } from '@orderwire/contracts';
import { crewMayMove, newUlid } from '@orderwire/contracts';
import type { ActiveOrderLimits } from '../engine/order-store.js';
import { forCouriers } from '../routing/routing.table.js';
import { HubException } from '../util/hub.exception.js';

/**
 * A new order as `order.place` makes it, priced by the menu: `placed`, unpaid, revision 0, expected
 * `prepMinutes` after `at`; with a `schedule`, `scheduled` until its `fireAt`, expected at its
 * `scheduledFor`.
 */
export function newOrder(
  tenantId: string,
  customerId: string,
  dto: OrderPlaceDto,
  priced: Pick<Order, 'items' | 'total' | 'currency'>,
  at: Date,
  prepMinutes: number,
  schedule?: { scheduledFor: string; fireAt: string },
  ordersAhead?: number,
): Order {
  const now = at.toISOString();
  const status = schedule ? 'scheduled' : 'placed';
  return {
    orderId: dto.orderId ?? newUlid(),
    tenantId,
    customerId,
    items: priced.items,
    total: priced.total,
    currency: priced.currency,
    fulfillment: dto.fulfillment,
    status,
    ...(dto.deliveryAddress ? { deliveryAddress: { ...dto.deliveryAddress } } : {}),
    ...(dto.table !== undefined ? { table: dto.table } : {}),
    ...(dto.notes !== undefined ? { notes: dto.notes } : {}),
    etaMinutes: prepMinutes,
    etaAt: schedule?.scheduledFor ?? new Date(at.getTime() + prepMinutes * 60_000).toISOString(),
    ...(schedule ? { scheduledFor: schedule.scheduledFor, fireAt: schedule.fireAt } : {}),
    // An order for now: the hub's estimate from the kitchen's load (docs/protocol.md section 14).
    ...(ordersAhead !== undefined ? { etaBy: 'hub' as const, ordersAhead } : {}),
    payment: { status: 'pending', updatedAt: now },
    revision: 0,
    createdAt: now,
    updatedAt: now,
    statusTimes: { [status]: now },
  };
}

/** Who a session's messages are from. */
export const senderOf = (session: { userId: string; role: Sender['type'] }): Sender => ({
  id: session.userId,
  type: session.role,
});

/** `order` in status `to` at `at`; `etaMinutes` (when given) also sets when it is expected. */
export function moved(order: Order, to: OrderStatus, at: Date, etaMinutes?: number): Order {
  const now = at.toISOString();
  return {
    ...order,
    status: to,
    updatedAt: now,
    statusTimes: { ...order.statusTimes, [to]: now },
    // The crew's word: the hub leaves this order's ETA alone from now on (docs/protocol.md 14).
    ...(etaMinutes !== undefined
      ? {
          etaMinutes,
          etaAt: new Date(at.getTime() + etaMinutes * 60_000).toISOString(),
          etaBy: 'crew' as const,
        }
      : {}),
  };
}

/**
 * What `order.status_updated` adds for the people reading it: the order's number, for the
 * couriers who first hear of a delivery order when it is ready, where it goes, and its courier.
 */
export function forPeople(o: Order): {
  orderNumber?: string;
  deliveryAddress?: Order['deliveryAddress'];
  courierId?: string;
} {
  return {
    ...(o.orderNumber ? { orderNumber: o.orderNumber } : {}),
    ...(forCouriers(o) && o.deliveryAddress ? { deliveryAddress: o.deliveryAddress } : {}),
    // Who holds it (docs/protocol.md section 14): a courier taking it out holds it in this step.
    ...(o.courierId ? { courierId: o.courierId } : {}),
  };
}

/** LIMIT_REACHED for TENANTS_MAX: a new tenant's first order when that many tenants have orders. */
export function tenantsFull(limit: number): HubException {
  return new HubException('LIMIT_REACHED', `orders of at most ${limit} restaurants are kept`, {
    scope: 'tenants',
    limit,
  });
}

/** LIMIT_REACHED for MAX_ACTIVE_ORDERS_PER_CUSTOMER or MAX_ACTIVE_ORDERS_PER_TENANT. */
export function limitReached(scope: 'customer' | 'tenant', limits: ActiveOrderLimits): HubException {
  const limit = scope === 'customer' ? limits.perCustomer : limits.perTenant;
  return new HubException(
    'LIMIT_REACHED',
    scope === 'customer'
      ? `at most ${limit} active orders per customer: wait for one to finish`
      : `this restaurant has ${limit} active orders, its limit: try again later`,
    { scope, limit },
  );
}

/** The reply to `order.place`: with a delivery order's hand-over code, for its customer only. */
export const placed = (o: Order, handoffCode?: string): CommandReply<'order.place'> => ({
  orderId: o.orderId,
  ...(o.orderNumber ? { orderNumber: o.orderNumber } : {}),
  status: o.status,
  total: o.total,
  currency: o.currency,
  ...(handoffCode !== undefined ? { handoffCode } : {}),
});

/**
 * The crew role table (docs/protocol.md section 5, "Crew roles"): FORBIDDEN naming the step, so a
 * screen can say why. `cancelled` is `order.cancel`.
 */
export function assertCrewMay(crewRole: CrewRole | undefined, order: Order, to: OrderStatus): void {
  if (crewMayMove(crewRole, to, order.fulfillment)) return;
  const step = to === 'cancelled' ? 'cancel' : `move from ${order.status} to ${to}`;
  throw new HubException('FORBIDDEN', `${crewRole} crew cannot ${step} a ${order.fulfillment} order`, {
    crewRole,
    from: order.status,
    to,
    fulfillment: order.fulfillment,
  });
}

/** The steps only an order's courier may take, once one holds it (docs/protocol.md section 14). */
const COURIER_STEPS: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['out_for_delivery', 'delivered']);

/**
 * The holder rule (docs/protocol.md section 14): crew other than the courier who holds a delivery
 * order may not take it out or deliver it (FORBIDDEN naming the holder).
 */
export function assertCourierMay(session: { userId: string }, order: Order, to: OrderStatus): void {
  if (!COURIER_STEPS.has(to) || order.courierId === undefined || order.courierId === session.userId) return;
  throw notHolder(order);
}

/** FORBIDDEN for crew who are not the order's courier, naming the one who is. */
export const notHolder = (order: Order): HubException =>
  new HubException('FORBIDDEN', 'another courier holds this order', { courierId: order.courierId ?? null });
