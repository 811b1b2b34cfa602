import { followStoreStatus, type GlobalWebSocketManager } from '@orderwire/client';
import type {
  BoardOrder,
  Menu,
  Order,
  OrderPayment,
  OrderStatusUpdatedData,
  StoreStatusData,
} from '@orderwire/contracts/protocol';
import { useEffect, useState } from 'preact/hooks';

/** Hand-over codes this page was told in `order.place` replies (docs/protocol.md section 14). */
const handoffCodes = new Map<string, string>();
const codeListeners = new Set<() => void>();

/** Keeps an order's hand-over code from the `order.place` reply: its card shows it at once. */
export function rememberHandoffCode(orderId: string, code: string | undefined): void {
  if (!code) return;
  handoffCodes.set(orderId, code);
  for (const listener of codeListeners) listener();
}

/** The hand-over code of an order: from its board entry, else from this page's reply. */
export function useHandoffCode(o: BoardOrder): string | undefined {
  const [, redraw] = useState(0);
  useEffect(() => {
    const listener = () => redraw((n) => n + 1);
    codeListeners.add(listener);
    return () => void codeListeners.delete(listener);
  }, []);
  return o.handoffCode ?? handoffCodes.get(o.orderId);
}

/** How many orders a view keeps (the hub's board sends at most 1,000). */
const MAX_ORDERS = 2000;

/** What a view knows of its orders: each as the board has it (a customer's with its hand-over code). */
export interface OrdersState {
  orders: BoardOrder[];
  firstSeen: Map<string, number>;
  /** Placed orders the hub re-sent as urgent: no crew screen had acknowledged them in time. */
  urgent: ReadonlySet<string>;
}

/**
 * The orders this session sees, kept current from `order.board` (on every connect), `order.created`,
 * `order.status_updated`, `order.courier_assigned`, `order.eta_updated` and the payment messages.
 * `firstSeen` says when each arrived on this page (for "new" highlights), `onNew` is called for an
 * order never seen before after the first board, `onUrgent` for the hub's reminder of an unseen one
 * (docs/protocol.md section 14).
 */
export function useOrders(
  m: GlobalWebSocketManager,
  onNew?: (o: Order) => void,
  onUrgent?: (o: Order) => void,
): OrdersState {
  const [state, setState] = useState<OrdersState>({ orders: [], firstSeen: new Map(), urgent: new Set() });
  useEffect(() => {
    const byId = new Map<string, BoardOrder>();
    const firstSeen = new Map<string, number>();
    const urgent = new Set<string>();
    let boarded = false;
    const publish = (): void => {
      if (byId.size > MAX_ORDERS) {
        const oldest = [...byId.values()].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
        for (const o of oldest.slice(0, byId.size - MAX_ORDERS)) byId.delete(o.orderId);
      }
      for (const id of urgent) if (byId.get(id)?.status !== 'placed') urgent.delete(id);
      setState({ orders: [...byId.values()], firstSeen, urgent: new Set(urgent) });
    };
    const upsert = (o: BoardOrder, fresh: boolean): void => {
      if (!byId.has(o.orderId) && !firstSeen.has(o.orderId)) {
        firstSeen.set(o.orderId, boarded ? Date.now() : 0);
        if (boarded && fresh) onNew?.(o);
      }
      // A hand-over code the page learned (its order.place reply) stays with the order.
      const code = byId.get(o.orderId)?.handoffCode ?? handoffCodes.get(o.orderId);
      byId.set(o.orderId, code && !o.handoffCode ? { ...o, handoffCode: code } : o);
    };
    const patch = (orderId: string, change: Partial<BoardOrder>): void => {
      const o = byId.get(orderId);
      if (o) byId.set(orderId, { ...o, ...change });
      publish();
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
        upsert(data.order, !data.urgent);
        if (data.urgent && data.order.status === 'placed') {
          urgent.add(data.order.orderId);
          onUrgent?.(data.order);
        }
        publish();
      }),
      m.on('order.courier_assigned', ({ data, timestamp, tenantId }) => {
        // A courier hears of an order assigned to them before it is ready: its number and address.
        if (!byId.has(data.orderId) && data.deliveryAddress)
          upsert(courierOrder(data, tenantId, timestamp), true);
        patch(data.orderId, { courierId: data.courierId ?? undefined, updatedAt: timestamp });
      }),
      m.on('order.eta_updated', ({ data }) =>
        patch(data.orderId, { etaAt: data.etaAt, etaMinutes: data.etaMinutes, etaBy: 'hub' }),
      ),
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
          ...(data.etaMinutes !== undefined
            ? { etaMinutes: data.etaMinutes, etaAt: data.etaAt, etaBy: 'crew' as const }
            : {}),
          ...(data.orderNumber ? { orderNumber: data.orderNumber } : {}),
          ...(data.courierId ? { courierId: data.courierId } : {}),
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

/** What a courier knows of an order it first hears of in a status update or an assignment. */
function courierOrder(
  data: Pick<OrderStatusUpdatedData, 'orderId' | 'orderNumber' | 'status' | 'deliveryAddress'>,
  tenantId: string,
  at: string,
): Order {
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
