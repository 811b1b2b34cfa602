import type { Role } from './roles.js';

export const ORDER_STATUSES = [
  // Extension (docs/protocol.md section 13): an order for later, until the hub fires it to placed.
  'scheduled',
  'placed',
  'accepted',
  'rejected',
  'preparing',
  'ready',
  'out_for_delivery',
  'delivered',
  'picked_up',
  // Extension (docs/protocol.md section 13): a dine-in order brought to its table.
  'served',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Extension: `dine_in`, an order eaten at a table of the restaurant (docs/protocol.md section 13). */
export const FULFILLMENTS = ['pickup', 'delivery', 'dine_in'] as const;
export type Fulfillment = (typeof FULFILLMENTS)[number];

export interface OrderItem {
  sku: string;
  name: string;
  quantity: number;
  /** Integer minor units: with a menu, the item's price plus its modifiers'. */
  unitPrice: number;
  /** The modifiers chosen, as the menu had them when the order was placed. */
  modifiers?: Array<{ id: string; name: string; price: number }>;
  /** Extension: the kitchen station that makes it, from the menu (docs/protocol.md section 13). */
  station?: string;
}

export interface DeliveryAddress {
  line1: string;
  line2?: string;
  city: string;
  postalCode?: string;
  lat?: number;
  lng?: number;
  instructions?: string;
}

export const PAYMENT_STATUSES = ['pending', 'paid', 'refunded', 'failed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Extension (docs/protocol.md section 10): what the payment service last said about the order. */
export interface OrderPayment {
  status: PaymentStatus;
  /** Integer minor units: charged (paid) or returned (refunded). */
  amount?: number;
  currency?: string;
  method?: string;
  reason?: string;
  updatedAt: string;
}

export interface Order {
  /**
   * Extension: the order's short number for people (`A-042`), per tenant and business day,
   * assigned by the hub when the order is stored; unique and gap-free across nodes.
   */
  orderNumber?: string;
  orderId: string;
  tenantId: string;
  customerId: string;
  items: OrderItem[];
  /** Integer minor units. */
  total: number;
  currency: string;
  fulfillment: Fulfillment;
  status: OrderStatus;
  deliveryAddress?: DeliveryAddress;
  /** Extension: the table of a dine-in order (1 to 16 characters). */
  table?: string;
  notes?: string;
  etaMinutes?: number;
  /** Extension: the indexes of the lines (`items`) their stations bumped as ready, ascending. */
  linesReady?: number[];
  /** Extension: a scheduled order's time (ISO 8601): when the customer wants it ready. */
  scheduledFor?: string;
  /** Extension: when the hub fires a scheduled order to `placed` (scheduledFor minus the prep time). */
  fireAt?: string;
  /**
   * Extension: when it is expected ready: from the last `etaMinutes` crew gave, else the hub's
   * estimate from the kitchen's load (docs/protocol.md section 14), which it keeps up to date.
   */
  etaAt?: string;
  /** Extension (section 14): whose `etaAt` it is: the hub's estimate, or the crew's word. */
  etaBy?: 'hub' | 'crew';
  /** Extension (section 14): how many orders the kitchen had waiting when this one was placed. */
  ordersAhead?: number;
  /** Extension: the courier who holds a delivery order (docs/protocol.md section 14). */
  courierId?: string;
  /** Extension: `pending` from placement until a payment service says otherwise. */
  payment?: OrderPayment;
  /** Extension: grows by one with every change; the board's compare-and-set token. */
  revision?: number;
  createdAt: string;
  updatedAt: string;
  /** When the order entered each status it has been in (ISO-8601). */
  statusTimes: Partial<Record<OrderStatus, string>>;
}

/**
 * The status machine as data (PROTOCOL section 5). `fulfillment` restricts the edge, where
 * given: `ready -> out_for_delivery` is for delivery orders only, `ready -> picked_up` for pickup,
 * `ready -> served` for dine-in.
 */
export const ORDER_TRANSITIONS: Readonly<
  Record<OrderStatus, ReadonlyArray<{ to: OrderStatus; fulfillment?: Fulfillment }>>
> = {
  scheduled: [{ to: 'placed' }, { to: 'cancelled' }],
  placed: [{ to: 'accepted' }, { to: 'rejected' }, { to: 'cancelled' }],
  accepted: [{ to: 'preparing' }, { to: 'cancelled' }],
  preparing: [{ to: 'ready' }, { to: 'cancelled' }],
  ready: [
    { to: 'out_for_delivery', fulfillment: 'delivery' },
    { to: 'picked_up', fulfillment: 'pickup' },
    { to: 'served', fulfillment: 'dine_in' },
    { to: 'cancelled' },
  ],
  out_for_delivery: [{ to: 'delivered' }],
  rejected: [],
  delivered: [],
  picked_up: [],
  served: [],
  cancelled: [],
};

export const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'rejected',
  'cancelled',
  'delivered',
  'picked_up',
  'served',
]);

/** Statuses from which a customer may still cancel their own order. */
export const CUSTOMER_CANCELLABLE: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'scheduled',
  'placed',
  'accepted',
]);

/**
 * The statuses in which the kitchen still has the order to make: what the hub's ETA estimates and
 * the crew's all-day counts look at (docs/protocol.md section 14).
 */
export const KITCHEN_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'placed',
  'accepted',
  'preparing',
]);

/** When the order became `placed` (fired, for a scheduled one), else when it was created. */
export const placedAt = (o: Pick<Order, 'statusTimes' | 'createdAt'>): string =>
  o.statusTimes.placed ?? o.createdAt;

/** Wrong hand-over codes an order takes before its code locks (docs/protocol.md section 14). */
export const HANDOFF_MAX_TRIES = 5;

/** Scheduled orders (docs/protocol.md section 13): how far ahead `scheduledFor` may be. */
export const SCHEDULE_MAX_DAYS = 7;

/** The one function that says whether a transition is legal. */
export function isLegalTransition(from: OrderStatus, to: OrderStatus, fulfillment: Fulfillment): boolean {
  return ORDER_TRANSITIONS[from].some(
    (t) => t.to === to && (!t.fulfillment || t.fulfillment === fulfillment),
  );
}

/** The statuses an order can move to next, for UIs that show only legal buttons. */
export function nextStatuses(from: OrderStatus, fulfillment: Fulfillment): OrderStatus[] {
  return ORDER_TRANSITIONS[from]
    .filter((t) => !t.fulfillment || t.fulfillment === fulfillment)
    .map((t) => t.to);
}

/** Whether `role` may cancel an order in `status` (ownership is checked separately). */
export function canCancel(role: Role, status: OrderStatus): boolean {
  if (role === 'customer') return CUSTOMER_CANCELLABLE.has(status);
  return !FINAL_STATUSES.has(status);
}

/**
 * The short number of the `seq`th order of a business day: `A-001` … `A-999`, `B-001` … (24
 * letters, no I or O), then the plain number past 23,976. The redis engine formats it the same
 * way in Lua (redis-order-store.ts); the engine contract suite holds the two together.
 */
export function formatOrderNumber(seq: number): string {
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const block = Math.floor((seq - 1) / 999);
  if (block >= letters.length) return String(seq);
  return `${letters[block]}-${String(((seq - 1) % 999) + 1).padStart(3, '0')}`;
}
