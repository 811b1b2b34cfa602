import { KITCHEN_STATUSES } from '@orderwire/contracts/protocol';
import type { GlobalWebSocketManager } from './global-websocket-manager.js';

/** When an order is expected ready, and whose word that is (docs/protocol.md section 14). */
export interface LiveEta {
  orderId: string;
  etaAt: string;
  /** `hub`: the hub's estimate from the kitchen's load, kept up to date; `crew`: what crew said. */
  etaBy?: 'hub' | 'crew';
}

/**
 * Follows the ETAs of the orders this session sees: from the board on each connect, a new
 * order's `order.created`, the crew's `etaMinutes` (`order.status_updated`) and the hub's
 * `order.eta_updated`; an order that is ready or final leaves the map. `listener` gets the whole
 * map on every change. Returns the function that stops following.
 */
export function followEtas(
  m: Pick<GlobalWebSocketManager, 'on'>,
  listener: (etas: ReadonlyMap<string, LiveEta>) => void,
): () => void {
  const etas = new Map<string, LiveEta>();
  const changed = () => listener(new Map(etas));
  const offs = [
    m.on('order.board', ({ data }) => {
      etas.clear();
      for (const o of data.orders)
        if (o.etaAt && KITCHEN_STATUSES.has(o.status))
          etas.set(o.orderId, { orderId: o.orderId, etaAt: o.etaAt, etaBy: o.etaBy });
      changed();
    }),
    m.on('order.created', ({ data: { order } }) => {
      if (!order.etaAt || !KITCHEN_STATUSES.has(order.status)) return;
      etas.set(order.orderId, { orderId: order.orderId, etaAt: order.etaAt, etaBy: order.etaBy });
      changed();
    }),
    m.on('order.status_updated', ({ data }) => {
      if (!KITCHEN_STATUSES.has(data.status)) {
        if (etas.delete(data.orderId)) changed();
      } else if (data.etaAt) {
        etas.set(data.orderId, { orderId: data.orderId, etaAt: data.etaAt, etaBy: 'crew' });
        changed();
      }
    }),
    m.on('order.eta_updated', ({ data }) => {
      etas.set(data.orderId, { orderId: data.orderId, etaAt: data.etaAt, etaBy: 'hub' });
      changed();
    }),
  ];
  return () => offs.forEach((off) => off());
}
