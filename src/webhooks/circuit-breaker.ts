/** A breaker's state, as the metric shows it: 0 closed, 1 open, 2 half-open. */
export type BreakerState = 'closed' | 'open' | 'half-open';
export const BREAKER_STATE_VALUE: Readonly<Record<BreakerState, number>> = {
  closed: 0,
  open: 1,
  'half-open': 2,
};

/**
 * A circuit breaker for one backend: after `failures` consecutive failures it opens, and every
 * call is answered at once for `cooldownMs`; then one call is let through (half-open) while the
 * others are still answered at once; its success closes the breaker, its failure opens it again.
 * The clock is injected, so the rule is tested without waiting.
 */
export class CircuitBreaker {
  private consecutive = 0;
  private openedAt?: number;
  private trial = false;

  constructor(
    private readonly failures: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt < this.cooldownMs ? 'open' : 'half-open';
  }

  /** Whether a call may go to the backend now; a `true` in half-open is the one trial call. */
  admit(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trial) return false;
    this.trial = true;
    return true;
  }

  /** How long until a call may be let through again (0 when it may now). */
  retryAfterMs(): number {
    if (this.openedAt === undefined) return 0;
    return Math.max(0, this.openedAt + this.cooldownMs - this.now());
  }

  succeeded(): void {
    this.consecutive = 0;
    this.openedAt = undefined;
    this.trial = false;
  }

  failed(): void {
    this.consecutive++;
    if (this.trial || this.consecutive >= this.failures) {
      this.openedAt = this.now();
      this.trial = false;
    }
  }
}
