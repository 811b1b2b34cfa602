/**
 * A node's copy of values it read from Redis, per key: kept for at most `ttlMs` and for at most
 * `max` keys (the oldest read leaves first). Reads of one key that overlap share one Redis read.
 * `invalidate(key)` drops a key at once (a write through this node, or another node's notice);
 * a read that began before an invalidation of any key is returned but not kept, since it may
 * hold what was just replaced. So a value is at most `ttlMs` old when a notice is lost, and
 * fresh after a write through this node.
 */
export class ReadCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  private readonly reading = new Map<string, Promise<V>>();
  private changes = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, read: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return Promise.resolve(hit.value);
    const shared = this.reading.get(key);
    if (shared) return shared;
    const pending: Promise<V> = this.read(key, read).finally(() => {
      if (this.reading.get(key) === pending) this.reading.delete(key);
    });
    this.reading.set(key, pending);
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

  private async read(key: string, read: () => Promise<V>): Promise<V> {
    const at = this.changes;
    const started = this.now();
    const value = await read();
    if (at === this.changes) {
      this.entries.delete(key);
      this.entries.set(key, { value, until: started + this.ttlMs });
      if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    }
    return value;
  }
}
