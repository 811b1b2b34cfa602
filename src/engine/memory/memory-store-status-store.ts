import type { StoredStoreStatus } from '@orderwire/contracts';
import type { MenuStoreBounds } from '../menu-store.js';
import type { StoreStatusSet, StoreStatusStore, StoreStatusWrite } from '../store-status-store.js';

/** Every tenant's store status in one process. */
export class MemoryStoreStatusStore implements StoreStatusStore {
  private readonly statuses = new Map<string, StoredStoreStatus>();
  constructor(private readonly bounds: MenuStoreBounds) {}

  get(tenantId: string): Promise<StoredStoreStatus | undefined> {
    return Promise.resolve(this.statuses.get(tenantId));
  }

  set(tenantId: string, next: StoreStatusWrite, expected?: number): Promise<StoreStatusSet> {
    const previous = this.statuses.get(tenantId);
    if (!previous && this.statuses.size >= this.bounds.maxTenants) return Promise.resolve('full');
    if (expected !== undefined && (previous?.version ?? 0) !== expected) return Promise.resolve('changed');
    const stored: StoredStoreStatus = { ...next, version: (previous?.version ?? 0) + 1 };
    this.statuses.set(tenantId, stored);
    return Promise.resolve(stored);
  }

  due(now: number, limit: number): Promise<string[]> {
    const due: string[] = [];
    for (const [tenantId, s] of this.statuses) {
      if (due.length >= limit) break;
      if (s.wakeAt !== undefined && Date.parse(s.wakeAt) <= now) due.push(tenantId);
    }
    return Promise.resolve(due);
  }

  count(): Promise<number> {
    return Promise.resolve(this.statuses.size);
  }
}
