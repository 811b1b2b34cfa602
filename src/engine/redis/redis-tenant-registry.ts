import { bindScripts, type RedisClient } from './lua-scripts.js';

/** Tenants a node remembers it refused (then it forgets them all and asks again). */
const REFUSED_KEPT = 10_000;

/** KEYS: the set. ARGV: tenant, max. 1: a member (now or before); 0: full. */
const ADMIT = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
return 1`;

/**
 * A bounded set of tenants on the hub's fixed slot (MENU_MAX_TENANTS: the tenants with a menu,
 * those with a store status). A tenant is admitted before its own keys are written, by a script
 * of its own: Redis Cluster cannot count every tenant in the script that writes one tenant's
 * keys. A tenant admitted whose write then failed stays counted (it may write later); members
 * are never removed, so a tenant refused stays refused: this node remembers whom it admitted (at
 * most `max`) and whom it refused (at most REFUSED_KEPT), so each tenant costs one call per node.
 * (A tenant another node admitted is asked about once here: it is in the set, full or not.)
 */
export class RedisTenantRegistry {
  private readonly lua: ReturnType<typeof scriptsOf>;
  private readonly admitted = new Set<string>();
  private readonly refused = new Set<string>();

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly max: number,
  ) {
    this.lua = scriptsOf(redis);
  }

  /** Whether the tenant is in the set (admitted now, or before); false when the set is full. */
  async admit(tenantId: string): Promise<boolean> {
    if (this.admitted.has(tenantId)) return true;
    if (this.refused.has(tenantId)) return false;
    const ok = Number(await this.lua.tenantAdmit(1, this.key, tenantId, this.max)) === 1;
    if (ok && this.admitted.size < this.max) this.admitted.add(tenantId);
    if (!ok) {
      if (this.refused.size >= REFUSED_KEPT) this.refused.clear();
      this.refused.add(tenantId);
    }
    return ok;
  }

  /** Whether this node admitted the tenant already (no call needed). */
  has(tenantId: string): boolean {
    return this.admitted.has(tenantId);
  }

  count(): Promise<number> {
    return this.redis.scard(this.key);
  }

  /** Every member, a page of about `page` at a time (SSCAN: a member may come twice). */
  async *pages(page: number): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [next, tenants] = await this.redis.sscan(this.key, cursor, 'COUNT', page);
      cursor = next;
      if (tenants.length > 0) yield tenants;
    } while (cursor !== '0');
  }
}

const scriptsOf = (redis: RedisClient) => bindScripts(redis, { tenantAdmit: ADMIT });
