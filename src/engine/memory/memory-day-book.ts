import { DAY_BOOK_DAYS, type DayOrder } from '@orderwire/contracts';
import type { DayBookStore } from '../day-book.js';

/** Tenants whose books one process keeps; past it the tenant written to longest ago goes. */
const MAX_TENANTS = 10_000;

interface Day {
  orders: Map<string, DayOrder>;
  complete: boolean;
}

/** The day books in one process: the newest DAY_BOOK_DAYS days of each tenant. */
export class MemoryDayBook implements DayBookStore {
  private readonly byTenant = new Map<string, Map<string, Day>>();

  put(tenantId: string, day: string, entry: DayOrder, max: number): Promise<boolean> {
    const days = this.byTenant.get(tenantId) ?? new Map<string, Day>();
    this.byTenant.delete(tenantId);
    this.byTenant.set(tenantId, days);
    if (this.byTenant.size > MAX_TENANTS) this.byTenant.delete(this.byTenant.keys().next().value!);
    let book = days.get(day);
    if (!book) {
      days.set(day, (book = { orders: new Map(), complete: true }));
      // YYYY-MM-DD sorts as dates: the oldest days beyond the kept ones go.
      for (const old of [...days.keys()].sort().slice(0, -DAY_BOOK_DAYS)) days.delete(old);
    }
    if (!book.orders.has(entry.orderId) && book.orders.size >= max) {
      book.complete = false;
      return Promise.resolve(false);
    }
    book.orders.set(entry.orderId, structuredClone(entry));
    return Promise.resolve(true);
  }

  read(tenantId: string, day: string): Promise<{ orders: DayOrder[]; complete: boolean }> {
    const book = this.byTenant.get(tenantId)?.get(day);
    return Promise.resolve({
      orders: book ? [...book.orders.values()].map((o) => structuredClone(o)) : [],
      complete: book?.complete ?? true,
    });
  }
}
