/**
 * A node's copy of values it read from Redis, per key: kept for at most `ttlMs` and for at most
 * `max` keys (the oldest read leaves first). Reads of one key that overlap share one Redis read.
 * `invalidate(key)` drops a key at once (a write through this node, or another node's notice);
 * a read that began before an invalidation of any key is returned but not kept, since it may
 * hold what was just replaced. So a value is at most `ttlMs` old when a notice is lost, and
 * fresh after a write through this node.
 */
export class ReadCache<V> {
  /**
   * Each key's read, kept as its promise: a hit hands out the very promise the read's waiters
   * got, so a caller that comes just after a read ends continues after them, in call order. (A
   * fresh `Promise.resolve(value)` took fewer steps than the waiters' chain and overtook them:
   * orders placed just after a menu read were carried out before orders placed during it.)
   */
  private readonly entries = new Map<string, { value: Promise<V>; until: number }>();
  private readonly reading = new Map<string, Promise<V>>();
  private changes = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, read: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return hit.value;
    const shared = this.reading.get(key);
    if (shared) return shared;
    const at = this.changes;
    const started = this.now();
    const pending = read();
    this.reading.set(key, pending);
    // Registered before any caller's continuation, so it runs first when the read ends.
    pending.then(
      () => {
        if (this.reading.get(key) === pending) this.reading.delete(key);
        if (at !== this.changes) return;
        this.entries.delete(key);
        this.entries.set(key, { value: pending, until: started + this.ttlMs });
        if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
      },
      () => {
        if (this.reading.get(key) === pending) this.reading.delete(key);
      },
    );
    return pending;
  }

  invalidate(key: string): void {
    this.changes++;
    this.entries.delete(key);
    this.reading.delete(key);
  }

  /** How many keys are kept (for tests). */
  get size(): number {
    return this.entries.size;
  }
}
