/**
 * How long a session usually takes to acknowledge a durable message, estimated as TCP estimates
 * its round trip (RFC 6298, section 2): SRTT and RTTVAR from each sample, and a wait of
 * SRTT + 4·RTTVAR before a copy counts as overdue. DeliveryPolicy does not resend a copy younger
 * than that: on a live connection it is still on its way, and a second one would only be a
 * duplicate (a phone on a slow network that acks everything after 1.5 s would otherwise get
 * every message twice with a 1 s backoff).
 */
export interface AckTime {
  /** Smoothed time from this node's write to the acknowledgement, ms (SRTT). */
  ackSrttMs?: number;
  /** Its smoothed mean deviation, ms (RTTVAR). */
  ackRttVarMs?: number;
}

/**
 * The most a session's usual acknowledgement time may hold a retry back. A client acking slowly
 * on purpose gains nothing: a held-back retry still counts as an attempt, so what it never
 * acknowledges reaches the dead letters after DELIVERY_MAX_ATTEMPTS all the same.
 */
export const MAX_ACK_WAIT_MS = 60_000;

/** Adds one sample: ms from a first copy's write to its own acknowledgement (never a retry's). */
export function observeAckTime(t: AckTime, sampleMs: number): void {
  const r = Math.min(Math.max(0, sampleMs), MAX_ACK_WAIT_MS);
  if (t.ackSrttMs === undefined || t.ackRttVarMs === undefined) {
    t.ackSrttMs = r;
    t.ackRttVarMs = r / 2;
    return;
  }
  t.ackRttVarMs = 0.75 * t.ackRttVarMs + 0.25 * Math.abs(t.ackSrttMs - r);
  t.ackSrttMs = 0.875 * t.ackSrttMs + 0.125 * r;
}

/** How long a copy to this session may go unacknowledged before it is overdue; 0 before any sample. */
export function ackWait(t: AckTime): number {
  if (t.ackSrttMs === undefined || t.ackRttVarMs === undefined) return 0;
  return Math.min(t.ackSrttMs + 4 * t.ackRttVarMs, MAX_ACK_WAIT_MS);
}
