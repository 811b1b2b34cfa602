import type { DeliveryAddress, Order, OrderStatus } from './order.js';
import type { AckMode } from './acks.js';
import type { CrewRole, Role, Sender } from './roles.js';
import type { MenuAvailabilityData, MenuContent, MenuUpdatedData } from './menu.js';
import type { StoreStatusChange, StoreStatusData } from './store-status.js';

/** What the server emits for every message: the event name equals `type` (PROTOCOL section 3). */
export interface Envelope<T extends ServerEventType = ServerEventType> {
  id: string;
  type: T;
  data: ServerEventMap[T];
  timestamp: string;
  sender: Sender;
  tenantId: string;
  /** Present on durable messages: the client keeps the last one it processed. */
  cursor?: string;
  /** True on durable messages: acknowledge through the Socket.IO ack callback. */
  requiresAck?: boolean;
}

/** Any message's envelope (a non-generic name, for schema generators: scripts/asyncapi.mjs). */
export type AnyEnvelope = Envelope;

export interface WelcomeData {
  sessionId: string;
  user: { id: string; role: Role; tenantId: string; crewRole?: CrewRole; stations?: string[] };
  serverTime: string;
  heartbeatIntervalMs: number;
  recovered: boolean;
  replayed: number;
  /**
   * Extension to PROTOCOL section 4: when the client sent no cursor, the cursor of the newest
   * durable message now, so that a fresh client can recover from its very first connection.
   */
  cursor?: string;
  /** Protocol 1.1 (docs/protocol.md 16): how this session acks (absent from a 1.0 hub: `each`). */
  acks?: AckMode;
}

/** The last position a courier relayed for an order out for delivery (docs/protocol.md 14). */
export interface CourierPosition {
  courierId: string;
  lat: number;
  lng: number;
  heading?: number;
  at: string;
}
/**
 * An order as a board shows it. Extensions (section 14): the customer's own delivery orders carry
 * their hand-over code; the customer's and admins' orders out for delivery, the courier's last
 * position while it is fresh.
 */
export type BoardOrder = Order & { handoffCode?: string; courierPosition?: CourierPosition };
export interface BoardData {
  orders: BoardOrder[];
}
export interface OrderCreatedData {
  order: Order;
  /**
   * Extension (section 14): the hub's reminder of an order no crew device acknowledged in time,
   * to the crew stations and admins only.
   */
  urgent?: true;
}
export interface OrderStatusUpdatedData {
  orderId: string;
  status: OrderStatus;
  previousStatus: OrderStatus;
  etaMinutes?: number;
  /** Extension: with `etaMinutes`, the time it amounts to (the hub's clock). */
  etaAt?: string;
  note?: string;
  updatedBy: Sender;
  /** Extension: the order's number, for people. */
  orderNumber?: string;
  /** Extension: on delivery orders from `ready` on, where it goes (couriers first hear of it then). */
  deliveryAddress?: DeliveryAddress;
  /** Extension (section 14): the courier who holds the order, once one does. */
  courierId?: string;
}
/** Extension (section 14): who holds a delivery order now (`null`: no one), and who did. */
export interface OrderCourierAssignedData {
  orderId: string;
  orderNumber?: string;
  courierId: string | null;
  previousCourierId?: string;
  status: OrderStatus;
  deliveryAddress?: DeliveryAddress;
  assignedBy: Sender;
}
/** Extension (section 14): why the hub moved an order's ETA. */
export const ETA_REASONS = ['kitchen_load', 'store_busy'] as const;
export type EtaReason = (typeof ETA_REASONS)[number];
/** Extension (section 14): the hub's estimate of when the order is ready moved by 2 minutes or more. */
export interface OrderEtaUpdatedData {
  orderId: string;
  orderNumber?: string;
  etaAt: string;
  /** Minutes from now (the hub's clock) to `etaAt`. */
  etaMinutes: number;
  reason: EtaReason;
}
/** `order.lines_ready`: lines bumped by a station; `linesReady` is every ready line of the order now. */
export interface OrderLinesReadyData {
  orderId: string;
  orderNumber?: string;
  lineIndexes: number[];
  linesReady: number[];
  status: OrderStatus;
  readyBy: Sender;
}
export interface PaymentConfirmedData {
  orderId: string;
  amount: number;
  currency: string;
  method: string;
}
/** Extension: the payment did not go through; the order stays, `payment.status: failed`. */
export interface PaymentFailedData {
  orderId: string;
  reason?: string;
}
/** Extension: money went back to the customer; `payment.status: refunded`. */
export interface PaymentRefundedData {
  orderId: string;
  amount: number;
  currency: string;
  reason?: string;
}
export const NOTIFICATION_LEVELS = ['info', 'warning', 'critical'] as const;
export type NotificationLevel = (typeof NOTIFICATION_LEVELS)[number];
export interface NotificationData {
  level: NotificationLevel;
  message: string;
}
export interface CourierLocationData {
  orderId: string;
  lat: number;
  lng: number;
  heading?: number;
  at: string;
}
export interface PresenceCounts {
  customer: number;
  crew: number;
  admin: number;
}
export interface PresenceChangedData {
  tenantId: string;
  online: PresenceCounts;
}
export interface MetricsData {
  /** `"*"` for the whole node (platform admins), else the tenant the figures are scoped to. */
  scope: string;
  connections: PresenceCounts & { total: number };
  messagesPerSecond: number;
  deliveryLatencyP99Ms: number | null;
  /** The node's event-loop delay, p99 over the last interval (a stalled loop delays everything). */
  eventLoopDelayP99Ms: number;
  queueDepth: number;
  deadLetters: number;
  at: string;
}
export const ALERT_CODES = [
  'NO_CREW_ONLINE',
  'ORDER_NOT_ACCEPTED',
  'DELIVERY_FAILED',
  'DEPENDENCY_DOWN',
  // Extension (docs/protocol.md section 14): an order's hand-over code locked after wrong tries.
  'HANDOFF_CODE_FAILED',
  // Extension (section 14): no crew device acknowledged a new order within ackEscalateSeconds.
  'ORDER_NOT_SEEN',
] as const;
export type AlertCode = (typeof ALERT_CODES)[number];
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export interface AlertData {
  code: AlertCode;
  severity: AlertSeverity;
  message: string;
  details: Record<string, unknown>;
}
export interface ActivityData {
  userId: string;
  role: Role;
  action: string;
  at: string;
}
export interface SystemErrorData {
  code: string;
  message: string;
}
export interface ShutdownData {
  reconnectInMs: number;
}

/** Every server-to-client message type and its `data` (PROTOCOL section 4). */
export interface ServerEventMap {
  'system.welcome': WelcomeData;
  'order.board': BoardData;
  'order.created': OrderCreatedData;
  'order.status_updated': OrderStatusUpdatedData;
  'payment.confirmed': PaymentConfirmedData;
  'payment.failed': PaymentFailedData;
  'payment.refunded': PaymentRefundedData;
  notification: NotificationData;
  'courier.location': CourierLocationData;
  'presence.changed': PresenceChangedData;
  'system.metrics': MetricsData;
  'system.alert': AlertData;
  'activity.log': ActivityData;
  'system.error': SystemErrorData;
  'system.shutdown': ShutdownData;
  /** Extension (docs/protocol.md, the menu): the tenant's whole menu. */
  'menu.updated': MenuUpdatedData;
  /** Extension: one item marked (un)available by crew. */
  'menu.availability_changed': MenuAvailabilityData;
  /** Extension (docs/protocol.md section 13): whether the store takes orders, and its extra prep time. */
  'store.status': StoreStatusData;
  /** Extension (section 13): stations bumped lines of an order as ready. */
  'order.lines_ready': OrderLinesReadyData;
  /** Extension (section 14): a courier was assigned to a delivery order, claimed it, or was removed. */
  'order.courier_assigned': OrderCourierAssignedData;
  /** Extension (section 14): the hub's ETA of an order moved. */
  'order.eta_updated': OrderEtaUpdatedData;
}
export type ServerEventType = keyof ServerEventMap;

export const SERVER_EVENT_TYPES = [
  'system.welcome',
  'order.board',
  'order.created',
  'order.status_updated',
  'payment.confirmed',
  'payment.failed',
  'payment.refunded',
  'notification',
  'courier.location',
  'presence.changed',
  'system.metrics',
  'system.alert',
  'activity.log',
  'system.error',
  'system.shutdown',
  'menu.updated',
  'menu.availability_changed',
  'store.status',
  'order.lines_ready',
  'order.courier_assigned',
  'order.eta_updated',
] as const satisfies readonly ServerEventType[];

/** Durable types: acknowledged, retried, replayed from a cursor (PROTOCOL section 6). */
export const DURABLE_TYPES = [
  'order.created',
  'order.status_updated',
  'payment.confirmed',
  'payment.failed',
  'payment.refunded',
  'notification',
  'system.alert',
  'order.courier_assigned',
  'order.eta_updated',
] as const satisfies readonly ServerEventType[];
export type DurableType = (typeof DURABLE_TYPES)[number];

/**
 * Types a service may publish (through `Broadcaster` or `POST /api/v1/events`): the durable ones,
 * `menu.updated`, which the hub stores as the tenant's menu, and `store.status`, which sets the
 * store's status (state, sent on every connect, so not logged or replayed).
 */
export const PUBLISHABLE_TYPES = [
  ...(DURABLE_TYPES.filter((t) => t !== 'order.eta_updated') as Array<
    Exclude<DurableType, 'order.eta_updated'>
  >),
  'menu.updated',
  'store.status',
] as const satisfies readonly ServerEventType[];
export type PublishableType = Exclude<DurableType, 'order.eta_updated'> | 'menu.updated' | 'store.status';
/** What a service publishes as `data`: the message's data, except a menu's version and time. */
export type PublishData<T extends PublishableType> = T extends 'menu.updated'
  ? MenuContent
  : T extends 'store.status'
    ? StoreStatusChange
    : ServerEventMap[T];

/**
 * What a webhook may take as events (docs/protocol.md section 12): the durable types, and
 * `store.status`, every change of the store's status (by a command, a service, or its `until`).
 */
export const WEBHOOK_EVENT_TYPES = [
  ...DURABLE_TYPES,
  'store.status',
] as const satisfies readonly ServerEventType[];
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The Socket.IO event map of a connected client, Immich-style: event name to listener. */
export type ServerToClientEvents = {
  [K in ServerEventType]: (envelope: Envelope<K>, ack?: () => void) => void;
};
