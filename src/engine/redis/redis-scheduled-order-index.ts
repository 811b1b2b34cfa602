import type { ScheduledEntry, ScheduledOrderIndex } from '../scheduled-order-index.js';
import { bindScripts, type RedisClient } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';

/** KEYS: the tenant's set. ARGV: max, orderId, fireAt. 1 or 0 (full). */
const RESERVE = `
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
return 1`;

/**
 * Per tenant a sorted set of its scheduled orders by fire time (the bound), and one of all
 * (`tenant|id`) for the sweep, on the hub's fixed slot. Redis Cluster cannot write both in one
 * step, so an order enters the sweep's set before its tenant's and leaves it after: a crash in
 * between leaves the sweep an entry whose order it finds not scheduled (it skips it), never a
 * reserved order that would not fire.
 */
export class RedisScheduledOrderIndex implements ScheduledOrderIndex {
  private readonly lua: ReturnType<typeof scriptsOf>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {
    this.lua = scriptsOf(redis);
  }

  async reserve(entry: ScheduledEntry, max: number): Promise<boolean> {
    const { tenantId, orderId, fireAt } = entry;
    const member = `${tenantId}|${orderId}`;
    await this.redis.zadd(this.keys.scheduledAll, fireAt, member);
    const ok =
      Number(await this.lua.scheduledReserve(1, this.keys.scheduled(tenantId), max, orderId, fireAt)) === 1;
    if (!ok) await this.redis.zrem(this.keys.scheduledAll, member);
    return ok;
  }

  async release(tenantId: string, orderId: string): Promise<void> {
    await this.redis.zrem(this.keys.scheduled(tenantId), orderId);
    await this.redis.zrem(this.keys.scheduledAll, `${tenantId}|${orderId}`);
  }

  async due(now: number, limit: number): Promise<ScheduledEntry[]> {
    const flat = await this.redis.zrangebyscore(
      this.keys.scheduledAll,
      '-inf',
      now,
      'WITHSCORES',
      'LIMIT',
      0,
      limit,
    );
    const out: ScheduledEntry[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const member = flat[i]!;
      const at = member.indexOf('|');
      out.push({ tenantId: member.slice(0, at), orderId: member.slice(at + 1), fireAt: Number(flat[i + 1]) });
    }
    return out;
  }

  count(tenantId: string): Promise<number> {
    return this.redis.zcard(this.keys.scheduled(tenantId));
  }
}

const scriptsOf = (redis: RedisClient) => bindScripts(redis, { scheduledReserve: RESERVE });
