import type { StoredStoreStatus } from '@orderwire/contracts';
import { type ClusterBus, LocalClusterBus } from '../cluster-bus.js';
import type { MenuStoreBounds } from '../menu-store.js';
import type { StoreStatusSet, StoreStatusStore, StoreStatusWrite } from '../store-status-store.js';
import { bindScripts, type RedisClient } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisTenantRegistry } from './redis-tenant-registry.js';
import { SharedReadCache } from './shared-read-cache.js';

/**
 * How long a node answers from its copy of a store status at most, should another node's notice
 * that it changed be lost (pub/sub is best effort); normally the notice drops the copy at once.
 */
export const STORE_STATUS_CACHE_MS = 1000;
const STORE_CHANGED = 'store.changed';

/**
 * KEYS: status. ARGV: record JSON (no version), expected version or ''. The new version; -2
 * changed meanwhile.
 */
const SET = `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if ARGV[2] ~= '' and tonumber(ARGV[2]) ~= v then return -2 end
redis.call('HSET', KEYS[1], 's', ARGV[1], 'v', v + 1)
return v + 1`;

/**
 * One hash per tenant (`s`: the record as JSON, `v`: its version), the tenants that have one
 * (MENU_MAX_TENANTS, a RedisTenantRegistry), and the tenants by their `wakeAt` (an `until`, the
 * next change of their opening hours), for the sweep at start. The last two are on the hub's
 * fixed slot, written apart from the status (Redis Cluster): a `wakeAt` is indexed before the
 * status that has it is written and unindexed after the one without it, so a crash in between
 * leaves an entry too many (the sweep finds nothing due there), never one too few. Not
 * personal data: stored unsealed. Every order.place reads its tenant's status: from this node's
 * copy, at most STORE_STATUS_CACHE_MS old and dropped at once when it changes (ClusterBus notice).
 */
export class RedisStoreStatusStore implements StoreStatusStore {
  private readonly lua: ReturnType<typeof scriptsOf>;
  private readonly cache: SharedReadCache<StoredStoreStatus | undefined>;
  private readonly tenants: RedisTenantRegistry;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    bounds: MenuStoreBounds,
    bus: ClusterBus = new LocalClusterBus(),
  ) {
    this.lua = scriptsOf(redis);
    this.tenants = new RedisTenantRegistry(redis, keys.storeTenants, bounds.maxTenants);
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
    try {
      if (!(await this.tenants.admit(tenantId))) return 'full';
      if (next.wakeAt !== undefined)
        await this.redis.zadd(this.keys.storeWake, Date.parse(next.wakeAt), tenantId);
      const version = Number(
        await this.lua.storeStatusSet(
          1,
          this.keys.storeStatus(tenantId),
          JSON.stringify(next),
          expected === undefined ? '' : String(expected),
        ),
      );
      if (version === -2) return 'changed';
      if (next.wakeAt === undefined) await this.redis.zrem(this.keys.storeWake, tenantId);
      return { ...next, version };
    } finally {
      this.cache.changed(tenantId);
    }
  }

  due(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.storeWake, '-inf', now, 'LIMIT', 0, limit);
  }

  count(): Promise<number> {
    return this.tenants.count();
  }
}

const scriptsOf = (redis: RedisClient) => bindScripts(redis, { storeStatusSet: SET });
