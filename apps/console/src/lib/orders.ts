import { followStoreStatus, type GlobalWebSocketManager } from '@orderwire/client';
import type {
  Menu,
  Order,
  OrderPayment,
  OrderStatusUpdatedData,
  StoreStatusData,
} from '@orderwire/contracts/protocol';
import { useEffect, useState } from 'preact/hooks';

/** How many orders a view keeps (the hub's board sends at most 1,000). */
const MAX_ORDERS = 2000;

/**
 * The orders this session sees, kept current from `order.board` (on every connect), `order.created`,
 * `order.status_updated` and the payment messages. `firstSeen` says when each arrived on this page
 * (for "new" highlights), `onNew` is called for an order never seen before after the first board.
 */
export function useOrders(
  m: GlobalWebSocketManager,
  onNew?: (o: Order) => void,
): { orders: Order[]; firstSeen: Map<string, number> } {
  const [state, setState] = useState<{ orders: Order[]; firstSeen: Map<string, number> }>({
    orders: [],
    firstSeen: new Map(),
  });
  useEffect(() => {
    const byId = new Map<string, Order>();
    const firstSeen = new Map<string, number>();
    let boarded = false;
    const publish = (): void => {
      if (byId.size > MAX_ORDERS) {
        const oldest = [...byId.values()].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
        for (const o of oldest.slice(0, byId.size - MAX_ORDERS)) byId.delete(o.orderId);
      }
      setState({ orders: [...byId.values()], firstSeen });
    };
    const upsert = (o: Order, fresh: boolean): void => {
      if (!byId.has(o.orderId) && !firstSeen.has(o.orderId)) {
        firstSeen.set(o.orderId, boarded ? Date.now() : 0);
        if (boarded && fresh) onNew?.(o);
      }
      byId.set(o.orderId, o);
    };
    const pay = (orderId: string, status: OrderPayment['status'], at: string): void => {
      const o = byId.get(orderId);
      if (o) byId.set(orderId, { ...o, payment: { ...o.payment, status, updatedAt: at } as OrderPayment });
      publish();
    };
    const offs = [
      m.on('order.board', ({ data }) => {
        byId.clear();
        for (const o of data.orders) upsert(o, false);
        boarded = true;
        publish();
      }),
      m.on('order.created', ({ data }) => {
        upsert(data.order, true);
        publish();
      }),
      m.on('order.status_updated', ({ data, timestamp, tenantId }) => {
        // Couriers first hear of a delivery order here, when it is ready: its number and address.
        const o =
          byId.get(data.orderId) ??
          (data.deliveryAddress ? courierOrder(data, tenantId, timestamp) : undefined);
        if (!o) return;
        if (!byId.has(o.orderId)) upsert(o, true);
        byId.set(data.orderId, {
          ...o,
          status: data.status,
          updatedAt: timestamp,
          statusTimes: { ...o.statusTimes, [data.status]: timestamp },
          ...(data.etaMinutes !== undefined ? { etaMinutes: data.etaMinutes, etaAt: data.etaAt } : {}),
          ...(data.orderNumber ? { orderNumber: data.orderNumber } : {}),
        });
        publish();
      }),
      m.on('order.lines_ready', ({ data }) => {
        const o = byId.get(data.orderId);
        if (o) byId.set(data.orderId, { ...o, linesReady: data.linesReady });
        publish();
      }),
      m.on('payment.confirmed', ({ data, timestamp }) => pay(data.orderId, 'paid', timestamp)),
      m.on('payment.failed', ({ data, timestamp }) => pay(data.orderId, 'failed', timestamp)),
      m.on('payment.refunded', ({ data, timestamp }) => pay(data.orderId, 'refunded', timestamp)),
    ];
    return () => offs.forEach((off) => off());
  }, [m]);
  return state;
}

/** What a courier knows of an order it first hears of in `order.status_updated`. */
function courierOrder(data: OrderStatusUpdatedData, tenantId: string, at: string): Order {
  return {
    orderId: data.orderId,
    ...(data.orderNumber ? { orderNumber: data.orderNumber } : {}),
    tenantId,
    customerId: '',
    items: [],
    total: 0,
    currency: 'EUR',
    fulfillment: 'delivery',
    status: data.status,
    deliveryAddress: data.deliveryAddress,
    createdAt: at,
    updatedAt: at,
    statusTimes: { [data.status]: at },
  };
}

/** The tenant's published menu, kept current from `menu.updated` and `menu.availability_changed`. */
export function useMenu(m: GlobalWebSocketManager): Menu | undefined {
  const [menu, setMenu] = useState<Menu>();
  useEffect(() => {
    let current: Menu | undefined;
    const offs = [
      m.on('menu.updated', ({ data }) => setMenu((current = data))),
      m.on('menu.availability_changed', ({ data }) => {
        if (!current) return;
        current = {
          ...current,
          version: data.version,
          items: current.items.map((i) => (i.sku === data.sku ? { ...i, available: data.available } : i)),
        };
        setMenu(current);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [m]);
  return menu;
}

/**
 * The store's status (docs/protocol.md section 13): the one each connect brings, then every change
 * with a higher version.
 */
export function useStoreStatus(m: GlobalWebSocketManager): StoreStatusData | undefined {
  const [status, setStatus] = useState<StoreStatusData>();
  useEffect(() => followStoreStatus(m, setStatus), [m]);
  return status;
}
