import type { OrderWatch, WatchEntry, WatchStep } from '../order-watch.js';
import { bindScripts, type RedisClient } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';

/** KEYS: the watch set. ARGV: now, limit. The members due, removed in the same step. */
const CLAIM = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
for i = 1, #due, 2 do redis.call('ZREM', KEYS[1], due[i]) end
return due`;

/**
 * One sorted set of every tenant's watch entries (`step|tenant|orderId` by time), claimed by a
 * script that removes what it returns, so each entry goes to one node; and a key per seen order
 * (`SET NX` with a TTL). Order ids and tenant ids have no `|` (ID_PATTERN).
 */
export class RedisOrderWatch implements OrderWatch {
  private readonly lua: ReturnType<typeof scriptsOf>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {
    this.lua = scriptsOf(redis);
  }

  async add(entries: readonly WatchEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const args = entries.flatMap((e) => [e.at, `${e.step}|${e.tenantId}|${e.orderId}`]);
    await this.redis.zadd(this.keys.orderWatch, ...args);
  }

  async claimDue(now: number, limit: number): Promise<WatchEntry[]> {
    const due = (await this.lua.orderWatchClaim(1, this.keys.orderWatch, now, limit)) as string[];
    const out: WatchEntry[] = [];
    for (let i = 0; i < due.length; i += 2) {
      const [step, tenantId, orderId] = due[i]!.split('|') as [WatchStep, string, string];
      out.push({ step, tenantId, orderId, at: Number(due[i + 1]) });
    }
    return out;
  }

  async markSeen(tenantId: string, orderId: string, userId: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys.seen(tenantId, orderId), userId, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async takeSeen(tenantId: string, orderId: string): Promise<string | undefined> {
    const key = this.keys.seen(tenantId, orderId);
    const [[err, by]] = ((await this.redis.multi().get(key).del(key).exec()) ?? [[null, null]]) as Array<
      [Error | null, string | null]
    >;
    if (err) throw err;
    return by ?? undefined;
  }
}

const scriptsOf = (redis: RedisClient) => bindScripts(redis, { orderWatchClaim: CLAIM });
