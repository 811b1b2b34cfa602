/** Exponential backoff with jitter: `min · 2^attempt`, ±`jitter`, capped at `max` (Socket.IO's formula). */
export class Backoff {
  attempts = 0;

  constructor(
    readonly minMs: number,
    readonly maxMs: number,
    readonly jitter: number,
  ) {}

  next(): number {
    return this.delay(this.attempts++);
  }

  /** The first step's delay (jittered), without counting an attempt. */
  first(): number {
    return this.delay(0);
  }

  private delay(attempt: number): number {
    const base = Math.min(this.maxMs, this.minMs * 2 ** attempt);
    const spread = base * this.jitter;
    return Math.min(this.maxMs, Math.max(0, Math.round(base - spread + Math.random() * 2 * spread)));
  }

  reset(): void {
    this.attempts = 0;
  }
}
