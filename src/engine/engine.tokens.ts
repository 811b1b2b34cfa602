/** Injection tokens of the engine seams. Only engine.module.ts decides what stands behind them. */
export const MESSAGE_STORE = Symbol('MESSAGE_STORE');
export const ORDER_STORE = Symbol('ORDER_STORE');
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');
export const SESSION_REGISTRY = Symbol('SESSION_REGISTRY');
export const JOB_SCHEDULER = Symbol('JOB_SCHEDULER');
export const MENU_STORE = Symbol('MENU_STORE');
export const STORE_STATUS_STORE = Symbol('STORE_STATUS_STORE');
export const SCHEDULED_ORDERS = Symbol('SCHEDULED_ORDERS');
export const AUDIT_STORE = Symbol('AUDIT_STORE');
/** Couriers' last positions and hand-over codes (see courier-store.ts). */
export const COURIER_STORE = Symbol('COURIER_STORE');
/** Escalation steps due on placed orders, and which a crew device has seen (order-watch.ts). */
export const ORDER_WATCH = Symbol('ORDER_WATCH');
/** The kitchens' prep-time samples (prep-samples.ts). */
export const PREP_SAMPLES = Symbol('PREP_SAMPLES');
export const DAY_BOOK = Symbol('DAY_BOOK');
/** Health of the engine's dependencies, for /health/ready. */
export const ENGINE_HEALTH = Symbol('ENGINE_HEALTH');

export interface EngineHealth {
  /** Names of the dependencies that do not answer now (empty when all is well). */
  down(): Promise<string[]>;
  /** A cheap, synchronous hint: false while the engine knows it is disconnected. */
  connected(): boolean;
}

/**
 * The Socket.IO adapter of the engine: `undefined` keeps Socket.IO's in-memory adapter (one
 * process); the redis engine gives a cluster adapter here. Read once by HubIoAdapter.
 */
export const SOCKET_ADAPTER = Symbol('SOCKET_ADAPTER');
/**
 * Socket.IO's `adapter` option (a function from a namespace to its adapter), typed here without
 * Socket.IO: the transport hands it to the server (transport/hub-io.adapter.ts).
 */
export type SocketAdapterFactory = ((nsp: never) => unknown) | undefined;

/** How durable messages reach the other nodes (see cluster-bus.ts). */
export const CLUSTER_BUS = Symbol('CLUSTER_BUS');

/** The link to other services: publishes in, accepted commands out (see service-bridge.ts). */
export const SERVICE_BRIDGE = Symbol('SERVICE_BRIDGE');

/** Webhook deliveries waiting to be sent (see webhook-queue.ts). */
export const WEBHOOK_QUEUE = Symbol('WEBHOOK_QUEUE');
