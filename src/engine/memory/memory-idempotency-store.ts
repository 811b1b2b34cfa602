import type { IdempotencyStore } from '../idempotency-store.js';

/** First results by key, forgotten after their TTL (swept lazily, every 1,024 writes). */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly results = new Map<string, { value: unknown; expiresAt: number }>();
  private writes = 0;

  get(key: string): Promise<unknown> {
    const hit = this.results.get(key);
    if (!hit) return Promise.resolve(undefined);
    if (hit.expiresAt <= Date.now()) {
      this.results.delete(key);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(hit.value);
  }

  async setIfAbsent(key: string, result: unknown, ttlMs: number): Promise<unknown> {
    const existing = await this.get(key);
    if (existing !== undefined) return existing;
    this.results.set(key, { value: result, expiresAt: Date.now() + ttlMs });
    if (++this.writes % 1024 === 0) this.sweep();
    return result;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, hit] of this.results) if (hit.expiresAt <= now) this.results.delete(key);
  }
}
