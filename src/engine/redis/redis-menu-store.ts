import type { Menu, MenuContent } from '@orderwire/contracts';
import type { MenuStore, MenuStoreBounds } from '../menu-store.js';
import { bindScripts, type RedisClient } from './lua-scripts.js';
import { type ClusterBus, LocalClusterBus } from '../cluster-bus.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisTenantRegistry } from './redis-tenant-registry.js';
import { SharedReadCache } from './shared-read-cache.js';

/**
 * How long a node prices from its copy of a menu at most, should another node's notice that it
 * changed be lost (Redis pub/sub is best effort); normally the notice drops the copy at once.
 */
export const MENU_CACHE_MS = 1000;
const MENU_CHANGED = 'menu.changed';

/** KEYS: menu. ARGV: content JSON, updatedAt. The new version. */
const PUT = `
local v = tonumber(redis.call('HGET', KEYS[1], 'version') or '0') + 1
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'content', ARGV[1], 'version', v, 'updatedAt', ARGV[2])
return v`;

/** KEYS: menu. ARGV: sku, '1' or '0', updatedAt. Nil without a menu, else the new version. */
const SET_AVAILABILITY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], 'a:' .. ARGV[1], ARGV[2], 'updatedAt', ARGV[3])
return redis.call('HINCRBY', KEYS[1], 'version', 1)`;

/**
 * One hash per tenant: the published content as one JSON field, the version, and a field per
 * item marked (un)available since, so that marking an item is one small write that never
 * rewrites the menu. Menus are not personal data and are stored unsealed.
 */
export class RedisMenuStore implements MenuStore {
  /** The store's Lua scripts, called by SHA (lua-scripts.ts). */
  private readonly lua: ReturnType<typeof scriptsOf>;

  /** Menus read here, per tenant (every order.place prices from its tenant's menu). */
  private readonly cache: SharedReadCache<Menu | undefined>;
  /** The tenants with a menu (MENU_MAX_TENANTS), admitted before their menu is written. */
  private readonly tenants: RedisTenantRegistry;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    bounds: MenuStoreBounds,
    /** Other nodes' notices that a tenant's menu changed (the cached copy goes). */
    bus: ClusterBus = new LocalClusterBus(),
  ) {
    this.lua = scriptsOf(redis);
    this.tenants = new RedisTenantRegistry(redis, keys.menuTenants, bounds.maxTenants);
    // Tenants without a menu are cached too, so the bound is above MENU_MAX_TENANTS.
    this.cache = new SharedReadCache(MENU_CACHE_MS, bounds.maxTenants + 1000, bus, MENU_CHANGED);
  }

  /**
   * From this node's copy when it has one: at most MENU_CACHE_MS old, dropped at once when the
   * menu changes through this node, and when another node says it changed it (ClusterBus notice).
   */
  get(tenantId: string): Promise<Menu | undefined> {
    return this.cache.get(tenantId, () => this.read(tenantId));
  }

  private async read(tenantId: string): Promise<Menu | undefined> {
    const hash = await this.redis.hgetall(this.keys.menu(tenantId));
    if (!hash.content) return undefined;
    const content = JSON.parse(hash.content) as MenuContent;
    return {
      currency: content.currency,
      ...(content.settings ? { settings: content.settings } : {}),
      items: content.items.map((item) => {
        const mark = hash[`a:${item.sku}`];
        return mark === undefined ? item : { ...item, available: mark === '1' };
      }),
      version: Number(hash.version),
      updatedAt: hash.updatedAt,
    };
  }

  async put(tenantId: string, content: MenuContent, at: string): Promise<Menu | undefined> {
    const stored: MenuContent = {
      currency: content.currency,
      items: content.items,
      ...(content.settings ? { settings: content.settings } : {}),
    };
    if (!(await this.tenants.admit(tenantId))) return undefined;
    const version = Number(await this.lua.menuPut(1, this.keys.menu(tenantId), JSON.stringify(stored), at));
    this.cache.changed(tenantId);
    return { ...stored, version, updatedAt: at };
  }

  async setAvailability(
    tenantId: string,
    sku: string,
    available: boolean,
    at: string,
  ): Promise<number | undefined> {
    const version = await this.lua.menuAvailability(
      1,
      this.keys.menu(tenantId),
      sku,
      available ? '1' : '0',
      at,
    );
    this.cache.changed(tenantId);
    return version === null ? undefined : Number(version);
  }

  count(): Promise<number> {
    return this.tenants.count();
  }
}

const scriptsOf = (redis: RedisClient) => bindScripts(redis, { menuPut: PUT, menuAvailability: SET_AVAILABILITY });
