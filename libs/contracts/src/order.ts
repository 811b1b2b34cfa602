import type { Role } from './roles.js';

export const ORDER_STATUSES = [
  'placed',
  'accepted',
  'rejected',
  'preparing',
  'ready',
  'out_for_delivery',
  'delivered',
  'picked_up',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const FULFILLMENTS = ['pickup', 'delivery'] as const;
export type Fulfillment = (typeof FULFILLMENTS)[number];

export interface OrderItem {
  sku: string;
  name: string;
  quantity: number;
  /** Integer minor units: with a menu, the item's price plus its modifiers'. */
  unitPrice: number;
  /** The modifiers chosen, as the menu had them when the order was placed. */
  modifiers?: Array<{ id: string; name: string; price: number }>;
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

export interface Order {
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
  notes?: string;
  etaMinutes?: number;
  createdAt: string;
  updatedAt: string;
  /** When the order entered each status it has been in (ISO-8601). */
  statusTimes: Partial<Record<OrderStatus, string>>;
}

/**
 * The status machine as data (PROTOCOL section 5). `fulfillment` restricts the edge, where
 * given: `ready -> out_for_delivery` is for delivery orders only, `ready -> picked_up` for pickup.
 */
export const ORDER_TRANSITIONS: Readonly<
  Record<OrderStatus, ReadonlyArray<{ to: OrderStatus; fulfillment?: Fulfillment }>>
> = {
  placed: [{ to: 'accepted' }, { to: 'rejected' }, { to: 'cancelled' }],
  accepted: [{ to: 'preparing' }, { to: 'cancelled' }],
  preparing: [{ to: 'ready' }, { to: 'cancelled' }],
  ready: [
    { to: 'out_for_delivery', fulfillment: 'delivery' },
    { to: 'picked_up', fulfillment: 'pickup' },
    { to: 'cancelled' },
  ],
  out_for_delivery: [{ to: 'delivered' }],
  rejected: [],
  delivered: [],
  picked_up: [],
  cancelled: [],
};

export const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'rejected',
  'cancelled',
  'delivered',
  'picked_up',
]);

/** Statuses from which a customer may still cancel their own order. */
export const CUSTOMER_CANCELLABLE: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['placed', 'accepted']);

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
