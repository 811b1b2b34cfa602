import { DAY_BOOK_DAYS, type DayOrder } from '@orderwire/contracts';
import type { DayBookStore } from '../day-book.js';
import { bindScripts, type RedisClient } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';

/** A day's book outlives its last write by the days kept. */
const BOOK_TTL_S = DAY_BOOK_DAYS * 86_400;

/**
 * Writes an entry unless the day is full (then marks it incomplete). KEYS: the day's hash, its
 * "incomplete" mark. ARGV: order id, entry JSON, the bound, the TTL in seconds. Returns 1 or 0.
 */
const PUT = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[4])
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1`;

/**
 * A hash per tenant and day (order id to entry JSON) with its expiry, and a mark for a day that
 * refused an entry. The entries hold no personal data (docs/protocol.md section 15): unsealed.
 */
export class RedisDayBook implements DayBookStore {
  private readonly lua: ReturnType<typeof scriptsOf>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {
    this.lua = scriptsOf(redis);
  }

  async put(tenantId: string, day: string, entry: DayOrder, max: number): Promise<boolean> {
    const key = this.keys.dayBook(tenantId, day);
    const written = await this.lua.dayBookPut(
      2,
      key,
      `${key}:incomplete`,
      entry.orderId,
      JSON.stringify(entry),
      max,
      BOOK_TTL_S,
    );
    return written === 1;
  }

  async read(tenantId: string, day: string): Promise<{ orders: DayOrder[]; complete: boolean }> {
    const key = this.keys.dayBook(tenantId, day);
    const [entries, incomplete] = await Promise.all([
      this.redis.hvals(key),
      this.redis.exists(`${key}:incomplete`),
    ]);
    return { orders: entries.map((e) => JSON.parse(e) as DayOrder), complete: incomplete === 0 };
  }
}

const scriptsOf = (redis: RedisClient) => bindScripts(redis, { dayBookPut: PUT });
