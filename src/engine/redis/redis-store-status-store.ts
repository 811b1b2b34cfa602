import type { StoredStoreStatus } from '@orderwire/contracts';
import type { Redis } from 'ioredis';
import { type ClusterBus, LocalClusterBus } from '../cluster-bus.js';
import type { MenuStoreBounds } from '../menu-store.js';
import type { StoreStatusSet, StoreStatusStore, StoreStatusWrite } from '../store-status-store.js';
import { bindScripts } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import { SharedReadCache } from './shared-read-cache.js';

/**
 * How long a node answers from its copy of a store status at most, should another node's notice
 * that it changed be lost (pub/sub is best effort); normally the notice drops the copy at once.
 */
export const STORE_STATUS_CACHE_MS = 1000;
const STORE_CHANGED = 'store.changed';

/**
 * KEYS: status, tenants, wake index. ARGV: record JSON (no version), expected version or '',
 * MENU_MAX_TENANTS, tenant, wakeAt (ms) or ''. The new version; -1 full, -2 changed meanwhile.
 */
const SET = `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v == 0 and redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[3]) and redis.call('SISMEMBER', KEYS[2], ARGV[4]) == 0 then return -1 end
if ARGV[2] ~= '' and tonumber(ARGV[2]) ~= v then return -2 end
redis.call('HSET', KEYS[1], 's', ARGV[1], 'v', v + 1)
redis.call('SADD', KEYS[2], ARGV[4])
if ARGV[5] == '' then redis.call('ZREM', KEYS[3], ARGV[4]) else redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4]) end
return v + 1`;

/**
 * One hash per tenant (`s`: the record as JSON, `v`: its version), the tenants that have one
 * (MENU_MAX_TENANTS), and the tenants by their `wakeAt` (an `until`, the next change of their
 * opening hours), for the sweep at start. Not
 * personal data: stored unsealed. Every order.place reads its tenant's status: from this node's
 * copy, at most STORE_STATUS_CACHE_MS old and dropped at once when it changes (ClusterBus notice).
 */
export class RedisStoreStatusStore implements StoreStatusStore {
  private readonly lua: ReturnType<typeof scriptsOf>;
  private readonly cache: SharedReadCache<StoredStoreStatus | undefined>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly bounds: MenuStoreBounds,
    bus: ClusterBus = new LocalClusterBus(),
  ) {
    this.lua = scriptsOf(redis);
    // Tenants without a status are cached too, so the bound is above MENU_MAX_TENANTS.
    this.cache = new SharedReadCache(STORE_STATUS_CACHE_MS, bounds.maxTenants + 1000, bus, STORE_CHANGED);
  }

  get(tenantId: string, options?: { fresh?: boolean }): Promise<StoredStoreStatus | undefined> {
    if (options?.fresh) return this.read(tenantId);
    return this.cache.get(tenantId, () => this.read(tenantId));
  }

  private async read(tenantId: string): Promise<StoredStoreStatus | undefined> {
    const [json, version] = await this.redis.hmget(this.keys.storeStatus(tenantId), 's', 'v');
    if (!json || !version) return undefined;
    return { ...(JSON.parse(json) as StoreStatusWrite), version: Number(version) };
  }

  async set(tenantId: string, next: StoreStatusWrite, expected?: number): Promise<StoreStatusSet> {
    const wake = next.wakeAt === undefined ? '' : String(Date.parse(next.wakeAt));
    try {
      const version = Number(
        await this.lua.storeStatusSet(
          3,
          this.keys.storeStatus(tenantId),
          this.keys.storeTenants,
          this.keys.storeWake,
          JSON.stringify(next),
          expected === undefined ? '' : String(expected),
          this.bounds.maxTenants,
          tenantId,
          wake,
        ),
      );
      if (version === -1) return 'full';
      if (version === -2) return 'changed';
      return { ...next, version };
    } finally {
      this.cache.changed(tenantId);
    }
  }

  due(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.storeWake, '-inf', now, 'LIMIT', 0, limit);
  }

  count(): Promise<number> {
    return this.redis.scard(this.keys.storeTenants);
  }
}

const scriptsOf = (redis: Redis) => bindScripts(redis, { storeStatusSet: SET });
