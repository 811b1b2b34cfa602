/**
 * How many stored results are kept: per user, and `max` per tenant (redis engine) or in all
 * (memory engine, one node's); the least recently used leave first.
 */
export interface IdempotencyBounds {
  perUser: number;
  max: number;
}

/**
 * The stored first result of a command, by the user (`owner`, of `tenantId`) and their
 * `requestId` (PROTOCOL section 5). Past IDEMPOTENCY_KEYS_PER_USER results of one user, or
 * IDEMPOTENCY_KEYS_MAX of one tenant (memory engine: of the node), the least recently used is
 * forgotten: a retry of it runs again.
 */
export interface IdempotencyStore {
  get(tenantId: string, owner: string, requestId: string): Promise<unknown>;
  /** Stores the result unless one is there already; returns the stored one. */
  setIfAbsent(
    tenantId: string,
    owner: string,
    requestId: string,
    result: unknown,
    ttlMs: number,
  ): Promise<unknown>;
}
