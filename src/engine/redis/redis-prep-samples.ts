import type { PrepSampleStore, StoredPrepSample } from '../prep-samples.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './lua-scripts.js';

/** How long a tenant's samples outlive its last one: a restaurant closed for a month starts over. */
const SAMPLES_TTL_S = 30 * 86_400;

/**
 * A list per tenant (`key|minutes|at`, newest first), trimmed to the bound in the same round
 * trip. Prep times are not personal data: stored unsealed.
 */
export class RedisPrepSamples implements PrepSampleStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async add(tenantId: string, samples: readonly StoredPrepSample[], max: number): Promise<void> {
    if (samples.length === 0) return;
    const key = this.keys.prepSamples(tenantId);
    const results = await this.redis
      .multi()
      .lpush(key, ...samples.map((s) => `${s.key}|${s.minutes}|${s.at}`))
      .ltrim(key, 0, max - 1)
      .expire(key, SAMPLES_TTL_S)
      .exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  async recent(tenantId: string, max: number): Promise<StoredPrepSample[]> {
    const raw = await this.redis.lrange(this.keys.prepSamples(tenantId), 0, max - 1);
    return raw.map((entry) => {
      const [key, minutes, at] = entry.split('|') as [string, string, string];
      return { key, minutes: Number(minutes), at: Number(at) };
    });
  }
}
