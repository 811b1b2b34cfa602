import { CUMULATIVE_ACK_LIMITS, type CumulativeAck, cursorSeq } from '@orderwire/contracts/protocol';

/**
 * Protocol 1.1's cumulative acknowledgements (docs/protocol.md 16), on the client: the highest
 * cursor processed and the ones that failed below it (`gaps`, at most 100, the oldest forgotten
 * first), sent as one `ack` a moment after a burst of processed messages instead of an ack per
 * message. Reset for every connection: a socket's acks are its own.
 */
export class CumulativeAcker {
  private highest?: { seq: number; cursor: string };
  private readonly gaps = new Map<string, number>();
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly send: (ack: CumulativeAck) => void,
    private readonly delayMs: number,
  ) {}

  /** A message whose handlers all succeeded (or a duplicate): covered by the next `ack`. */
  processed(cursor: string): void {
    const seq = cursorSeq(cursor);
    if (seq === undefined) return;
    this.gaps.delete(cursor);
    if (!this.highest || seq > this.highest.seq) this.highest = { seq, cursor };
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
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
    this.send({ cursor: highest.cursor, ...(gaps.length ? { gaps } : {}) });
  }
}
