/** The stored first result of a command, by `requestId` (PROTOCOL section 5). */
export interface IdempotencyStore {
  get(key: string): Promise<unknown>;
  /** Stores the result unless one is there already; returns the stored one. */
  setIfAbsent(key: string, result: unknown, ttlMs: number): Promise<unknown>;
}
