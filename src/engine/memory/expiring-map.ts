/**
 * Entries that expire like Redis keys (by the wall clock, as Redis does): read past their time
 * they are gone, and a write that doubles the map since its last sweep sweeps the expired out
 * (amortised: never more than one sweep per doubling).
 */
export class ExpiringMap<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  private sweepAt = 1024;

  /** With `max`, the oldest entries go first once that many are kept. */
  constructor(private readonly max = Infinity) {}

  get(k: string): T | undefined {
    const entry = this.entries.get(k);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now()) return entry.value;
    this.entries.delete(k);
    return undefined;
  }

  set(k: string, value: T, ttlMs: number): void {
    const now = Date.now();
    if (this.entries.size >= this.sweepAt) {
      for (const [other, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(other);
      this.sweepAt = Math.max(1024, this.entries.size * 2);
    }
    this.entries.delete(k);
    this.entries.set(k, { value, expiresAt: now + ttlMs });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(k: string): void {
    this.entries.delete(k);
  }
}
