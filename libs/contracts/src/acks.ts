/** Acknowledging durable messages, protocol 1.1 (docs/protocol.md 16). */

/**
 * Protocol 1.1: `each`, a Socket.IO ack callback per durable message (protocol 1), or
 * `cumulative`, the client's `ack` event for many at once (asked for with `auth.acks`).
 */
export type AckMode = 'each' | 'cumulative';

/** The client's event that acknowledges durable messages cumulatively (docs/protocol.md 16). */
export const CUMULATIVE_ACK_EVENT = 'ack';

/**
 * `ack`: every durable message the hub wrote to this socket whose cursor is at or below `cursor`
 * (cursors of one hub life compare by the integer after their last `:`), except `gaps`.
 */
export interface CumulativeAck {
  cursor: string;
  /** Cursors at or below `cursor` received but not processed (at most CUMULATIVE_ACK_LIMITS.gaps). */
  gaps?: string[];
}

/** Where a cursor stands among its hub life's cursors (protocol 1.1), or undefined if it is not one. */
export function cursorSeq(cursor: string): number | undefined {
  const seq = cursor.slice(cursor.lastIndexOf(':') + 1);
  return cursor.includes(':') && /^\d{1,15}$/.test(seq) ? Number(seq) : undefined;
}

/** What an `ack` may carry, and how many a session may send in a second. */
export const CUMULATIVE_ACK_LIMITS = { cursorLength: 256, gaps: 100, perSecond: 100 } as const;
