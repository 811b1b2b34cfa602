import type { Order } from '@orderwire/contracts';
import type { StoredMessage } from './message-store.js';

/** Final orders kept: ORDER_RETENTION_SECONDS after they became final, ORDER_RETENTION_MAX at most. */
export interface OrderStoreBounds {
  retentionMs: number;
  /** ORDER_RETENTION_MAX: final orders kept per tenant (redis engine) or in all (memory engine). */
  retentionMax: number;
  /** TENANTS_MAX: tenants the redis engine keeps orders for (its registry of them). */
  maxTenants: number;
}

/** MAX_ACTIVE_ORDERS_PER_CUSTOMER and MAX_ACTIVE_ORDERS_PER_TENANT. */
export interface ActiveOrderLimits {
  perCustomer: number;
  perTenant: number;
}

/** What place() did: placed (numbered, its message in the log), or why not. */
export type PlaceResult = { placed: Order } | { exists: true } | { limit: 'customer' | 'tenant' | 'tenants' };

/**
 * The live order board: every tenant's orders, with the active ones indexed. place() and update()
 * write their message to the engine's MessageStore in the same atomic step as the order, so the
 * log holds an order's changes in the order the board took them, on every node, and no change is
 * stored without its message or the other way round.
 */
export interface OrderStore {
  get(tenantId: string, orderId: string): Promise<Order | undefined>;
  /**
   * Stores a new order, numbered: `orderNumber` is formatOrderNumber of the next sequence number
   * of its tenant on business `day` (YYYY-MM-DD), taken in the same atomic step, so numbers are
   * unique and without gaps across nodes. Returns the stored order, or `undefined` (and takes no
   * number) if an order with that id already exists in the tenant, or `'tenants'` if the tenant
   * has no orders yet and TENANTS_MAX tenants have (redis engine).
   */
  create(order: Order, day: string): Promise<Order | 'tenants' | undefined>;
  /**
   * A customer's new order, in one atomic step: `exists` if an order with that id is in the
   * tenant; `limit` if the customer, or else the tenant, already has as many active orders as
   * `limits` allow (exact across nodes), or (`tenants`) the tenant is new and TENANTS_MAX tenants
   * have orders (redis engine); else create()'s numbering and storing, and `message`
   * (its `order.created`) appended to the log with `data.order` set to the stored order and its
   * cursor set. Nothing is written unless it is placed.
   */
  place(
    order: Order,
    day: string,
    limits: ActiveOrderLimits,
    message: StoredMessage<'order.created'>,
  ): Promise<PlaceResult>;
  /**
   * Replaces the order if its stored `revision` (0 when absent) is still `expectedRevision`
   * (compare-and-set: of two concurrent changes, a status and a payment say, only one wins and
   * the other reads again); false otherwise. With `message`, it is appended to the log (its cursor
   * set) in the same step when the change wins, and not at all when it loses.
   */
  update(order: Order, expectedRevision: number, message?: StoredMessage): Promise<boolean>;
  /** Active (non-final) orders of a tenant, oldest first; `"*"` means every tenant. */
  listActive(tenantId: string, limit: number): Promise<Order[]>;
  /** How many active orders the tenant has, and how many of them are the customer's. */
  countActive(tenantId: string, customerId: string): Promise<{ tenant: number; customer: number }>;
  /** A customer's active orders. */
  listForCustomer(tenantId: string, customerId: string, limit: number): Promise<Order[]>;
  /** Active orders of every tenant created in (from, to] (epoch ms), oldest first: the SLA sweep. */
  listActiveCreatedBetween(from: number, to: number, limit: number): Promise<Order[]>;
  /**
   * Forgets final orders that became final before `before` (epoch ms). Past ORDER_RETENTION_MAX
   * final orders (of the tenant on the redis engine), the oldest are forgotten at once, without
   * waiting for this.
   */
  prune(before: number): Promise<number>;
}
