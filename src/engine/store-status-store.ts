import type { StoredStoreStatus } from '@orderwire/contracts';

/** What `set` writes: the status without its version, which the store gives. */
export type StoreStatusWrite = Omit<StoredStoreStatus, 'version'>;

/**
 * The result of `set`: the record as stored (its version one above the previous), `full` for a
 * tenant's first status when MENU_MAX_TENANTS tenants have one, `changed` when `expected` was
 * given and another change came first.
 */
export type StoreStatusSet = StoredStoreStatus | 'full' | 'changed';

/** One store status per tenant (docs/protocol.md section 13), bounded by MENU_MAX_TENANTS. */
export interface StoreStatusStore {
  /** With `fresh`, from storage itself (the redis engine otherwise may answer from its copy). */
  get(tenantId: string, options?: { fresh?: boolean }): Promise<StoredStoreStatus | undefined>;
  /**
   * Replaces the tenant's status; with `expected`, only while the stored version is that one
   * (the hub's own write at a `wakeAt` must not undo a change made meanwhile).
   */
  set(tenantId: string, next: StoreStatusWrite, expected?: number): Promise<StoreStatusSet>;
  /** Tenants whose `wakeAt` is at or before `now` (ms), at most `limit`: the sweep at start. */
  due(now: number, limit: number): Promise<string[]>;
  /** How many tenants have a status. */
  count(): Promise<number>;
}
