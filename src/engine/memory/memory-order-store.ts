import type { Order } from '@orderwire/contracts';
import { ALL_TENANTS, FINAL_STATUSES, formatOrderNumber } from '@orderwire/contracts';
import type { StoredMessage } from '../message-store.js';
import type { ActiveOrderLimits, OrderStore, OrderStoreBounds, PlaceResult } from '../order-store.js';
import type { MemoryMessageStore } from './memory-message-store.js';

/**
 * Orders of every tenant in one process, with an index of the active ones, and of the final ones
 * in the order they became final (which prune and the ORDER_RETENTION_MAX cap take from the front).
 */
export class MemoryOrderStore implements OrderStore {
  private readonly orders = new Map<string, Map<string, Order>>();
  private readonly active = new Map<string, Map<string, Order>>();
  /** Active orders per `tenant|customer`. */
  private readonly activeByCustomer = new Map<string, number>();
  /** Final orders by `tenant|id`, oldest first. */
  private readonly finals = new Map<string, Order>();
  /** Orders numbered per tenant and business day; the last 3 days of each tenant are kept. */
  private readonly numbers = new Map<string, Map<string, number>>();

  constructor(
    private readonly bounds: OrderStoreBounds,
    /** The message log: place() and update() append to it in the same synchronous step. */
    private readonly messages: MemoryMessageStore,
  ) {}

  get(tenantId: string, orderId: string): Promise<Order | undefined> {
    return Promise.resolve(this.orders.get(tenantId)?.get(orderId));
  }

  create(incoming: Order, day: string): Promise<Order | undefined> {
    return Promise.resolve(this.createNow(incoming, day));
  }

  place(
    incoming: Order,
    day: string,
    limits: ActiveOrderLimits,
    message: StoredMessage<'order.created'>,
  ): Promise<PlaceResult> {
    const { tenantId, orderId, customerId } = incoming;
    if (this.orders.get(tenantId)?.has(orderId)) return Promise.resolve({ exists: true });
    const active = this.activeCounts(tenantId, customerId);
    if (active.customer >= limits.perCustomer) return Promise.resolve({ limit: 'customer' });
    if (active.tenant >= limits.perTenant) return Promise.resolve({ limit: 'tenant' });
    const placed = this.createNow(incoming, day)!;
    message.envelope.data.order = placed;
    this.messages.appendNow(message);
    return Promise.resolve({ placed });
  }

  private createNow(incoming: Order, day: string): Order | undefined {
    const tenant = this.tenant(this.orders, incoming.tenantId);
    if (tenant.has(incoming.orderId)) return undefined;
    const order: Order = {
      ...incoming,
      orderNumber: formatOrderNumber(this.nextNumber(incoming.tenantId, day)),
    };
    tenant.set(order.orderId, order);
    if (!FINAL_STATUSES.has(order.status)) {
      this.tenant(this.active, order.tenantId).set(order.orderId, order);
      this.countCustomer(order, 1);
    } else this.finalized(order);
    return order;
  }

  private nextNumber(tenantId: string, day: string): number {
    let days = this.numbers.get(tenantId);
    if (!days) this.numbers.set(tenantId, (days = new Map()));
    const n = (days.get(day) ?? 0) + 1;
    days.set(day, n);
    if (days.size > 3) days.delete([...days.keys()].sort()[0]);
    return n;
  }

  update(order: Order, expectedRevision: number, message?: StoredMessage): Promise<boolean> {
    const tenant = this.orders.get(order.tenantId);
    const current = tenant?.get(order.orderId);
    if (!tenant || !current || (current.revision ?? 0) !== expectedRevision) return Promise.resolve(false);
    tenant.set(order.orderId, order);
    const active = this.tenant(this.active, order.tenantId);
    if (FINAL_STATUSES.has(order.status)) {
      if (active.delete(order.orderId)) this.countCustomer(order, -1);
      this.finalized(order);
    } else active.set(order.orderId, order);
    if (message) this.messages.appendNow(message);
    return Promise.resolve(true);
  }

  private finalized(order: Order): void {
    const key = `${order.tenantId}|${order.orderId}`;
    this.finals.delete(key);
    this.finals.set(key, order);
    while (this.finals.size > this.bounds.retentionMax) this.forget(this.finals.keys().next().value!);
  }

  private forget(key: string): void {
    const order = this.finals.get(key)!;
    this.finals.delete(key);
    const tenant = this.orders.get(order.tenantId);
    tenant?.delete(order.orderId);
    if (tenant?.size === 0) this.orders.delete(order.tenantId);
  }

  countActive(tenantId: string, customerId: string): Promise<{ tenant: number; customer: number }> {
    return Promise.resolve(this.activeCounts(tenantId, customerId));
  }

  private activeCounts(tenantId: string, customerId: string): { tenant: number; customer: number } {
    return {
      tenant: this.active.get(tenantId)?.size ?? 0,
      customer: this.activeByCustomer.get(`${tenantId}|${customerId}`) ?? 0,
    };
  }

  private countCustomer(order: Order, delta: 1 | -1): void {
    const key = `${order.tenantId}|${order.customerId}`;
    const n = (this.activeByCustomer.get(key) ?? 0) + delta;
    if (n > 0) this.activeByCustomer.set(key, n);
    else this.activeByCustomer.delete(key);
  }

  listActive(tenantId: string, limit: number): Promise<Order[]> {
    const maps = tenantId === ALL_TENANTS ? [...this.active.values()] : [this.active.get(tenantId)];
    const out: Order[] = [];
    for (const m of maps) if (m) for (const o of m.values()) out.push(o);
    return Promise.resolve(byCreation(out).slice(0, limit));
  }

  listForCustomer(tenantId: string, customerId: string, limit: number): Promise<Order[]> {
    const out: Order[] = [];
    for (const o of this.active.get(tenantId)?.values() ?? []) if (o.customerId === customerId) out.push(o);
    return Promise.resolve(byCreation(out).slice(0, limit));
  }

  listActiveCreatedBetween(from: number, to: number, limit: number): Promise<Order[]> {
    const out: Order[] = [];
    for (const m of this.active.values()) {
      for (const o of m.values()) {
        const at = Date.parse(o.createdAt);
        if (at > from && at <= to) out.push(o);
      }
    }
    return Promise.resolve(byCreation(out).slice(0, limit));
  }

  prune(before: number): Promise<number> {
    let n = 0;
    for (const [key, o] of this.finals) {
      if (Date.parse(o.updatedAt) >= before) break;
      this.forget(key);
      n++;
    }
    return Promise.resolve(n);
  }

  private tenant(map: Map<string, Map<string, Order>>, tenantId: string): Map<string, Order> {
    let m = map.get(tenantId);
    if (!m) map.set(tenantId, (m = new Map()));
    return m;
  }
}

function byCreation(orders: Order[]): Order[] {
  return orders.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
}
