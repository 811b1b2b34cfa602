import type { OrderWatch, WatchEntry } from '../order-watch.js';
import { ExpiringMap } from './expiring-map.js';

const MEMORY_SEEN_MAX = 100_000;

/** The watch in one process: entries in time order, seen marks that expire. */
export class MemoryOrderWatch implements OrderWatch {
  private entries: WatchEntry[] = [];
  /** Bounded: past MEMORY_SEEN_MAX marks the oldest go first (a mark is read within minutes). */
  private readonly seen = new ExpiringMap<string>(MEMORY_SEEN_MAX);

  add(entries: readonly WatchEntry[]): Promise<void> {
    for (const entry of entries) {
      // After every entry due at the same time or before (binary search): time order, then arrival.
      let lo = 0;
      let hi = this.entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.entries[mid]!.at <= entry.at) lo = mid + 1;
        else hi = mid;
      }
      this.entries.splice(lo, 0, { ...entry });
    }
    return Promise.resolve();
  }

  claimDue(now: number, limit: number): Promise<WatchEntry[]> {
    let n = 0;
    while (n < this.entries.length && n < limit && this.entries[n]!.at <= now) n++;
    return Promise.resolve(this.entries.splice(0, n));
  }

  markSeen(tenantId: string, orderId: string, userId: string, ttlMs: number): Promise<boolean> {
    const k = `${tenantId}\u0000${orderId}`;
    if (this.seen.get(k) !== undefined) return Promise.resolve(false);
    this.seen.set(k, userId, ttlMs);
    return Promise.resolve(true);
  }

  takeSeen(tenantId: string, orderId: string): Promise<string | undefined> {
    const k = `${tenantId}\u0000${orderId}`;
    const by = this.seen.get(k);
    this.seen.delete(k);
    return Promise.resolve(by);
  }
}
