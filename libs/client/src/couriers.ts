import type { CourierPosition } from '@orderwire/contracts/protocol';
import type { GlobalWebSocketManager } from './global-websocket-manager.js';

/** Where the courier of an order out for delivery was last seen (docs/protocol.md section 14). */
export interface LivePosition extends Omit<CourierPosition, 'courierId'> {
  orderId: string;
  /** From the board; relays name no courier (the order's holder sent them). */
  courierId?: string;
}

/**
 * Follows the couriers of the orders this session sees (docs/protocol.md section 14): a customer
 * their own order's courier, an admin every active courier of the tenant. Each connect's board
 * brings the last positions kept; every `courier.location` moves one (an older one that arrives
 * late is dropped); an order that leaves `out_for_delivery`, or changes courier, leaves the map.
 * `listener` gets the whole map on every change. Returns the function that stops following.
 */
export function followCouriers(
  m: Pick<GlobalWebSocketManager, 'on'>,
  listener: (positions: ReadonlyMap<string, LivePosition>) => void,
): () => void {
  const positions = new Map<string, LivePosition>();
  const changed = () => listener(new Map(positions));
  const offs = [
    m.on('order.board', ({ data }) => {
      positions.clear();
      for (const o of data.orders)
        if (o.courierPosition && o.status === 'out_for_delivery')
          positions.set(o.orderId, { ...o.courierPosition, orderId: o.orderId });
      changed();
    }),
    m.on('courier.location', ({ data }) => {
      const known = positions.get(data.orderId);
      if (known && Date.parse(known.at) > Date.parse(data.at)) return;
      positions.set(data.orderId, { ...data, ...(known?.courierId ? { courierId: known.courierId } : {}) });
      changed();
    }),
    m.on('order.status_updated', ({ data }) => {
      if (data.status !== 'out_for_delivery' && positions.delete(data.orderId)) changed();
    }),
    m.on('order.courier_assigned', ({ data }) => {
      const known = positions.get(data.orderId);
      if (
        known?.courierId !== undefined &&
        known.courierId !== data.courierId &&
        positions.delete(data.orderId)
      )
        changed();
    }),
  ];
  return () => offs.forEach((off) => off());
}
