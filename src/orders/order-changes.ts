import type { Order, OrderStatus } from '@orderwire/contracts';
import { forCouriers } from '../routing/routing.table.js';

/** `order` in status `to` at `at`; `etaMinutes` (when given) also sets when it is expected. */
export function moved(order: Order, to: OrderStatus, at: Date, etaMinutes?: number): Order {
  const now = at.toISOString();
  return {
    ...order,
    status: to,
    updatedAt: now,
    statusTimes: { ...order.statusTimes, [to]: now },
    ...(etaMinutes !== undefined
      ? { etaMinutes, etaAt: new Date(at.getTime() + etaMinutes * 60_000).toISOString() }
      : {}),
  };
}

/**
 * What `order.status_updated` adds for the people reading it: the order's number, and for the
 * couriers who first hear of a delivery order when it is ready, where it goes.
 */
export function forPeople(o: Order): { orderNumber?: string; deliveryAddress?: Order['deliveryAddress'] } {
  return {
    ...(o.orderNumber ? { orderNumber: o.orderNumber } : {}),
    ...(forCouriers(o) && o.deliveryAddress ? { deliveryAddress: o.deliveryAddress } : {}),
  };
}
