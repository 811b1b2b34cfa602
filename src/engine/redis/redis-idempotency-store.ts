import type { IdempotencyBounds, IdempotencyStore } from '../idempotency-store.js';
import { bindScripts, type RedisClient } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * Stores the result if absent (else returns the stored one), indexes it by last use in the
 * user's set and the tenant's, and drops the least recently used past either cap (and what
 * has expired from the indexes). A key dropped by the tenant's cap may stay in its user's index
 * until it expires there; it then only counts towards that user's cap a little early.
 * KEYS: result, user index, tenant index (one tenant's slot). ARGV: json, ttl ms, now, member,
 * per user, per tenant, the tenant's result keys' prefix.
 */
const SET_IF_ABSENT = `
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  return redis.call('GET', KEYS[1])
end
local now, ttl = tonumber(ARGV[3]), tonumber(ARGV[2])
local function evict(index, max)
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now - ttl)
  local over = redis.call('ZCARD', index) - max
  if over <= 0 then return end
  for _, member in ipairs(redis.call('ZRANGE', index, 0, over - 1)) do
    redis.call('DEL', ARGV[7] .. member)
    redis.call('ZREM', KEYS[2], member)
    redis.call('ZREM', KEYS[3], member)
  end
end
redis.call('ZADD', KEYS[2], now, ARGV[4])
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('ZADD', KEYS[3], now, ARGV[4])
evict(KEYS[2], tonumber(ARGV[5]))
evict(KEYS[3], tonumber(ARGV[6]))
return false`;

/**
 * First results by user and requestId, cluster-wide, expiring by TTL, capped per user and per
 * tenant (IDEMPOTENCY_KEYS_MAX): one tenant's results on its slot, so that no script spans two
 * tenants (Redis Cluster) and no tenant's flood of commands evicts another's results.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  /** The store's Lua scripts, called by SHA (lua-scripts.ts). */
  private readonly lua: ReturnType<typeof scriptsOf>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly bounds: IdempotencyBounds,
  ) {
    this.lua = scriptsOf(redis);
  }

  async get(tenantId: string, owner: string, requestId: string): Promise<unknown> {
    const member = memberOf(owner, requestId);
    const raw = await this.redis.get(this.keys.idempotency(tenantId, member));
    if (raw === null) return undefined;
    // A hit is a use: it moves to the back of both indexes (XX: only if still indexed).
    const now = Date.now();
    void this.redis
      .multi()
      .zadd(this.keys.idempotencyByUser(tenantId, owner), 'XX', now, member)
      .zadd(this.keys.idempotencyByTenant(tenantId), 'XX', now, member)
      .exec()
      .catch(() => undefined);
    return JSON.parse(raw) as unknown;
  }

  async setIfAbsent(
    tenantId: string,
    owner: string,
    requestId: string,
    result: unknown,
    ttlMs: number,
  ): Promise<unknown> {
    const member = memberOf(owner, requestId);
    const k = this.keys;
    const stored = (await this.lua.idempotencySet(
      3,
      k.idempotency(tenantId, member),
      k.idempotencyByUser(tenantId, owner),
      k.idempotencyByTenant(tenantId),
      JSON.stringify(result),
      ttlMs,
      Date.now(),
      member,
      this.bounds.perUser,
      this.bounds.max,
      k.idempotency(tenantId, ''),
    )) as string | null;
    return stored === null ? result : (JSON.parse(stored) as unknown);
  }
}

function memberOf(owner: string, requestId: string): string {
  return `${owner}|${requestId}`;
}

const scriptsOf = (redis: RedisClient) => bindScripts(redis, { idempotencySet: SET_IF_ABSENT });
