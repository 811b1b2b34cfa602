import type { Redis } from 'ioredis';
import type { IdempotencyStore } from '../idempotency-store.js';
import type { RedisKeys } from './redis-keys.js';

/** First results by key, cluster-wide, expiring by TTL. */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async get(key: string): Promise<unknown> {
    const raw = await this.redis.get(this.keys.idempotency(key));
    return raw === null ? undefined : (JSON.parse(raw) as unknown);
  }

  async setIfAbsent(key: string, result: unknown, ttlMs: number): Promise<unknown> {
    const k = this.keys.idempotency(key);
    const set = await this.redis.set(k, JSON.stringify(result), 'PX', ttlMs, 'NX');
    if (set === 'OK') return result;
    const raw = await this.redis.get(k);
    return raw === null ? result : (JSON.parse(raw) as unknown);
  }
}
