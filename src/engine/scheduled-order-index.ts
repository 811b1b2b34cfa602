/** A scheduled order waiting to fire: which order, and when (ms). */
export interface ScheduledEntry {
  tenantId: string;
  orderId: string;
  fireAt: number;
}

/**
 * The scheduled orders of every tenant by fire time (docs/protocol.md section 13): what the sweep
 * fires when a job was lost, and MAX_SCHEDULED_ORDERS_PER_TENANT. An entry is made before its
 * order is stored and removed once the order leaves `scheduled`, so an order is never scheduled
 * without one; an entry whose order was never stored is dropped when its time comes.
 */
export interface ScheduledOrderIndex {
  /** Adds the entry unless the tenant has `max` already (false). An entry that exists is kept (true). */
  reserve(entry: ScheduledEntry, max: number): Promise<boolean>;
  release(tenantId: string, orderId: string): Promise<void>;
  /** Entries whose fire time is at or before `now`, earliest first, at most `limit`. */
  due(now: number, limit: number): Promise<ScheduledEntry[]>;
  count(tenantId: string): Promise<number>;
}
