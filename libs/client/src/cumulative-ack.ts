import { CUMULATIVE_ACK_LIMITS, type CumulativeAck, cursorSeq } from '@orderwire/contracts/protocol';

/**
 * Protocol 1.1's cumulative acknowledgements (docs/protocol.md 16), on the client: the highest
 * cursor processed and the ones that failed below it (`gaps`, at most 100, the oldest forgotten
 * first), sent as one `ack` after a burst of processed messages, at most one per interval,
 * instead of an ack per message. Reset for every connection: a socket's acks are its own.
 */
export class CumulativeAcker {
  private highest?: { seq: number; cursor: string };
  private readonly gaps = new Map<string, number>();
  private timer?: ReturnType<typeof setTimeout>;
  private lastSentAt = -Infinity;

  constructor(
    private readonly send: (ack: CumulativeAck) => void,
    /** At most one `ack` per this many ms (the hub takes 100 a second from a session). */
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A message whose handlers all succeeded (or a duplicate): covered by the next `ack`. */
  processed(cursor: string): void {
    const seq = cursorSeq(cursor);
    if (seq === undefined) return;
    this.gaps.delete(cursor);
    if (!this.highest || seq > this.highest.seq) this.highest = { seq, cursor };
    // The next timer turn, or as soon as the interval since the last `ack` allows.
    this.timer ??= setTimeout(
      () => this.flush(),
      Math.max(0, this.lastSentAt + this.intervalMs - this.now()),
    );
  }

  /** A message whose handler failed: left out of every `ack` until a copy of it is processed. */
  failed(cursor: string): void {
    const seq = cursorSeq(cursor);
    if (seq === undefined) return;
    this.gaps.delete(cursor);
    this.gaps.set(cursor, seq);
    if (this.gaps.size > CUMULATIVE_ACK_LIMITS.gaps)
      this.gaps.delete(this.gaps.keys().next().value as string);
  }

  /** A new connection: nothing is owed to the hub on it yet. */
  reset(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.highest = undefined;
    this.gaps.clear();
  }

  private flush(): void {
    this.timer = undefined;
    const highest = this.highest;
    if (!highest) return;
    const gaps = [...this.gaps].filter(([, seq]) => seq <= highest.seq).map(([cursor]) => cursor);
    this.lastSentAt = this.now();
    this.send({ cursor: highest.cursor, ...(gaps.length ? { gaps } : {}) });
  }
}
