import type { ScheduledEntry, ScheduledOrderIndex } from '../scheduled-order-index.js';

/** Scheduled orders of every tenant in one process. */
export class MemoryScheduledOrderIndex implements ScheduledOrderIndex {
  private readonly tenants = new Map<string, Map<string, number>>();

  reserve(entry: ScheduledEntry, max: number): Promise<boolean> {
    let orders = this.tenants.get(entry.tenantId);
    if (!orders) this.tenants.set(entry.tenantId, (orders = new Map()));
    if (orders.has(entry.orderId)) return Promise.resolve(true);
    if (orders.size >= max) return Promise.resolve(false);
    orders.set(entry.orderId, entry.fireAt);
    return Promise.resolve(true);
  }

  release(tenantId: string, orderId: string): Promise<void> {
    const orders = this.tenants.get(tenantId);
    orders?.delete(orderId);
    if (orders?.size === 0) this.tenants.delete(tenantId);
    return Promise.resolve();
  }

  due(now: number, limit: number): Promise<ScheduledEntry[]> {
    const due: ScheduledEntry[] = [];
    for (const [tenantId, orders] of this.tenants)
      for (const [orderId, fireAt] of orders) if (fireAt <= now) due.push({ tenantId, orderId, fireAt });
    return Promise.resolve(due.sort((a, b) => a.fireAt - b.fireAt).slice(0, limit));
  }

  count(tenantId: string): Promise<number> {
    return Promise.resolve(this.tenants.get(tenantId)?.size ?? 0);
  }
}
