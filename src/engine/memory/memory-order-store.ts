import type { Order, OrderStatus } from '@orderwire/contracts';
import { ALL_TENANTS, FINAL_STATUSES } from '@orderwire/contracts';
import type { OrderStore } from '../order-store.js';

/** Orders of every tenant in one process, with an index of the active ones. */
export class MemoryOrderStore implements OrderStore {
  private readonly orders = new Map<string, Map<string, Order>>();
  private readonly active = new Map<string, Map<string, Order>>();
  /** Active orders per `tenant|customer`. */
  private readonly activeByCustomer = new Map<string, number>();

  get(tenantId: string, orderId: string): Promise<Order | undefined> {
    return Promise.resolve(this.orders.get(tenantId)?.get(orderId));
  }

  create(order: Order): Promise<boolean> {
    const tenant = this.tenant(this.orders, order.tenantId);
    if (tenant.has(order.orderId)) return Promise.resolve(false);
    tenant.set(order.orderId, order);
    if (!FINAL_STATUSES.has(order.status)) {
      this.tenant(this.active, order.tenantId).set(order.orderId, order);
      this.countCustomer(order, 1);
    }
    return Promise.resolve(true);
  }

  update(order: Order, expected: OrderStatus): Promise<boolean> {
    const tenant = this.orders.get(order.tenantId);
    const current = tenant?.get(order.orderId);
    if (!tenant || !current || current.status !== expected) return Promise.resolve(false);
    tenant.set(order.orderId, order);
    const active = this.tenant(this.active, order.tenantId);
    if (FINAL_STATUSES.has(order.status)) {
      if (active.delete(order.orderId)) this.countCustomer(order, -1);
    } else active.set(order.orderId, order);
    return Promise.resolve(true);
  }

  countActive(tenantId: string, customerId: string): Promise<{ tenant: number; customer: number }> {
    return Promise.resolve({
      tenant: this.active.get(tenantId)?.size ?? 0,
      customer: this.activeByCustomer.get(`${tenantId}|${customerId}`) ?? 0,
    });
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
    for (const tenant of this.orders.values()) {
      for (const [id, o] of tenant) {
        if (FINAL_STATUSES.has(o.status) && Date.parse(o.updatedAt) < before) {
          tenant.delete(id);
          n++;
        }
      }
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
