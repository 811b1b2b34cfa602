import type { Order } from '@orderwire/contracts';

/** Final orders kept: ORDER_RETENTION_SECONDS after they became final, ORDER_RETENTION_MAX at most. */
export interface OrderStoreBounds {
  retentionMs: number;
  retentionMax: number;
}

/** The live order board: every tenant's orders, with the active ones indexed. */
export interface OrderStore {
  get(tenantId: string, orderId: string): Promise<Order | undefined>;
  /**
   * Stores a new order, numbered: `orderNumber` is formatOrderNumber of the next sequence number
   * of its tenant on business `day` (YYYY-MM-DD), taken in the same atomic step, so numbers are
   * unique and without gaps across nodes. Returns the stored order, or `undefined` (and takes no
   * number) if an order with that id already exists in the tenant.
   */
  create(order: Order, day: string): Promise<Order | undefined>;
  /**
   * Replaces the order if its stored `revision` (0 when absent) is still `expectedRevision`
   * (compare-and-set: of two concurrent changes, a status and a payment say, only one wins and
   * the other reads again); false otherwise.
   */
  update(order: Order, expectedRevision: number): Promise<boolean>;
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
   * final orders, the oldest are forgotten at once, without waiting for this.
   */
  prune(before: number): Promise<number>;
}
