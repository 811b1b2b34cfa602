/** A step the hub takes on a placed order at a time (docs/protocol.md section 14). */
export type WatchStep = 'escalate' | 'reject';

export interface WatchEntry {
  tenantId: string;
  orderId: string;
  step: WatchStep;
  /** When (ms, the hub's clock). */
  at: number;
}

/**
 * Escalation by acknowledgement (docs/protocol.md section 14): the steps due on placed orders,
 * claimed by one node each when their time comes, and which orders a crew device has seen.
 */
export interface OrderWatch {
  add(entries: readonly WatchEntry[]): Promise<void>;
  /** Entries due at `now`, earliest first, at most `limit`: removed, so no other node gets them. */
  claimDue(now: number, limit: number): Promise<WatchEntry[]>;
  /** Marks the order seen by `userId`, for `ttlMs`; true if it was not seen before. */
  markSeen(tenantId: string, orderId: string, userId: string, ttlMs: number): Promise<boolean>;
  /** Who saw the order first, if anyone did; the mark goes (its one reader is the escalation). */
  takeSeen(tenantId: string, orderId: string): Promise<string | undefined>;
}
