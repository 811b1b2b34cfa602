import type { IdempotencyBounds, IdempotencyStore } from '../idempotency-store.js';

interface Hit {
  value: unknown;
  expiresAt: number;
  owner: string;
}

/**
 * First results by user and requestId, forgotten after their TTL (swept lazily, every 1,024
 * writes) or when the user's or the node's cap is reached (IDEMPOTENCY_KEYS_MAX counts every
 * tenant's here: one process), least recently used first. Maps keep
 * insertion order, and a hit is re-inserted, so the first key of each map is the least recent.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly results = new Map<string, Hit>();
  /** Each user's keys, least recently used first. */
  private readonly byOwner = new Map<string, Set<string>>();
  private writes = 0;

  constructor(private readonly bounds: IdempotencyBounds) {}

  get(_tenantId: string, owner: string, requestId: string): Promise<unknown> {
    const key = keyOf(owner, requestId);
    const hit = this.results.get(key);
    if (!hit) return Promise.resolve(undefined);
    if (hit.expiresAt <= Date.now()) {
      this.forget(key);
      return Promise.resolve(undefined);
    }
    this.forget(key);
    this.remember(key, hit);
    return Promise.resolve(hit.value);
  }

  async setIfAbsent(
    tenantId: string,
    owner: string,
    requestId: string,
    result: unknown,
    ttlMs: number,
  ): Promise<unknown> {
    const existing = await this.get(tenantId, owner, requestId);
    if (existing !== undefined) return existing;
    const key = keyOf(owner, requestId);
    this.remember(key, { value: result, expiresAt: Date.now() + ttlMs, owner });
    const mine = this.byOwner.get(owner)!;
    while (mine.size > this.bounds.perUser) this.forget(mine.values().next().value!);
    while (this.results.size > this.bounds.max) this.forget(this.results.keys().next().value!);
    if (++this.writes % 1024 === 0) this.sweep();
    return result;
  }

  private remember(key: string, hit: Hit): void {
    this.results.set(key, hit);
    let mine = this.byOwner.get(hit.owner);
    if (!mine) this.byOwner.set(hit.owner, (mine = new Set()));
    mine.add(key);
  }

  private forget(key: string): void {
    const hit = this.results.get(key);
    if (!hit) return;
    this.results.delete(key);
    const mine = this.byOwner.get(hit.owner);
    mine?.delete(key);
    if (mine?.size === 0) this.byOwner.delete(hit.owner);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, hit] of this.results) if (hit.expiresAt <= now) this.forget(key);
  }
}

function keyOf(owner: string, requestId: string): string {
  return `${owner}|${requestId}`;
}
