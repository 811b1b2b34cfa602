import type { Order } from '@orderwire/contracts';
import { ALL_TENANTS, FINAL_STATUSES, formatOrderNumber } from '@orderwire/contracts';
import type { Redis } from 'ioredis';
import type { OrderStore, OrderStoreBounds } from '../order-store.js';
import { bindScripts } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import { Sealer } from './sealer.js';

/**
 * A final order: indexed by when it became final, its key expiring after the retention; past
 * the cap the oldest final orders are deleted at once. ARGV[7..9]: retention ms, cap, key prefix.
 */
const FINALIZE = `
local function finalize()
  redis.call('PEXPIRE', KEYS[1], ARGV[7])
  redis.call('ZADD', KEYS[5], ARGV[6], ARGV[4])
  local over = redis.call('ZCARD', KEYS[5]) - tonumber(ARGV[8])
  if over <= 0 then return end
  for _, member in ipairs(redis.call('ZRANGE', KEYS[5], 0, over - 1)) do
    local at = string.find(member, '|', 1, true)
    redis.call('DEL', ARGV[9] .. 'order:' .. string.sub(member, 1, at - 1) .. ':' .. string.sub(member, at + 1))
    redis.call('ZREM', KEYS[5], member)
  end
end
`;

/** A new order's JSON starts with this `orderNumber` member, for CREATE to fill in. */
const NUMBER_PLACEHOLDER = '#';
const NUMBER_HEAD = `{"orderNumber":"${NUMBER_PLACEHOLDER}"`;
/** Day counters outlive their day by a day (a late retry still finds its day's counter). */
const NUMBER_TTL_SECONDS = 2 * 86_400;

/**
 * KEYS: order, active, activeAll, customer, finals, the tenant's counter of the day. ARGV: json
 * (starting with NUMBER_HEAD), createdAt ms, id, tenant|id, final?, updatedAt ms, FINALIZE's,
 * counter TTL. Returns 0 if the order exists, else its sequence number; the number is formatted
 * as formatOrderNumber does (contracts/order.ts).
 */
const CREATE = `${FINALIZE}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local head = '${NUMBER_HEAD}'
if string.sub(ARGV[1], 1, #head) ~= head then return redis.error_reply('the order JSON must start with its number') end
local n = redis.call('INCR', KEYS[6])
redis.call('EXPIRE', KEYS[6], ARGV[10])
local letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ'
local block = math.floor((n - 1) / 999)
local number = tostring(n)
if block < #letters then number = string.sub(letters, block + 1, block + 1) .. '-' .. string.format('%03d', (n - 1) % 999 + 1) end
redis.call('SET', KEYS[1], '{"orderNumber":"' .. number .. '"' .. string.sub(ARGV[1], #head + 1))
if ARGV[5] == '1' then
  finalize()
else
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[4])
  redis.call('SADD', KEYS[4], ARGV[3])
end
return n`;

/** KEYS 1-5 and ARGV 1-9 as CREATE's, plus ARGV[10]: the revision the stored order must still have. */
const UPDATE = `${FINALIZE}
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
if (cjson.decode(raw)['revision'] or 0) ~= tonumber(ARGV[10]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[5] == '1' then
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('ZREM', KEYS[3], ARGV[4])
  redis.call('SREM', KEYS[4], ARGV[3])
  finalize()
end
return 1`;

/** The order board in Redis: one key per order, sorted sets of the active ones. */
export class RedisOrderStore implements OrderStore {
  /** The store's Lua scripts, called by SHA (lua-scripts.ts). */
  private readonly lua: ReturnType<typeof scriptsOf>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly bounds: OrderStoreBounds,
    /** Seals the personal fields (delivery address, notes); the status stays readable for the CAS. */
    private readonly sealer = new Sealer(),
  ) {
    this.lua = scriptsOf(redis);
  }

  async get(tenantId: string, orderId: string): Promise<Order | undefined> {
    const raw = await this.redis.get(this.keys.order(tenantId, orderId));
    return raw ? this.parse(raw) : undefined;
  }

  async create(incoming: Order, day: string): Promise<Order | undefined> {
    // The number's member first: CREATE replaces the first one, which must be this one.
    const { orderNumber: _ignored, ...rest } = incoming;
    const order: Order = { orderNumber: NUMBER_PLACEHOLDER, ...rest };
    const seq = Number(
      await this.lua.orderCreate(
        6,
        ...this.keysOf(order),
        this.keys.orderNumbers(order.tenantId, day),
        ...this.argsOf(order),
        NUMBER_TTL_SECONDS,
      ),
    );
    return seq === 0 ? undefined : { ...order, orderNumber: formatOrderNumber(seq) };
  }

  async update(order: Order, expectedRevision: number): Promise<boolean> {
    return (
      (await this.lua.orderUpdate(5, ...this.keysOf(order), ...this.argsOf(order), expectedRevision)) === 1
    );
  }

  async listActive(tenantId: string, limit: number): Promise<Order[]> {
    if (tenantId === ALL_TENANTS) {
      const members = await this.redis.zrange(this.keys.activeAll, '0', String(limit - 1));
      return this.load(members.map((m) => this.keys.order(...split(m))));
    }
    const ids = await this.redis.zrange(this.keys.active(tenantId), '0', String(limit - 1));
    return this.load(ids.map((id) => this.keys.order(tenantId, id)));
  }

  async countActive(tenantId: string, customerId: string): Promise<{ tenant: number; customer: number }> {
    const [[, tenant], [, customer]] = (await this.redis
      .multi()
      .zcard(this.keys.active(tenantId))
      .scard(this.keys.customerOrders(tenantId, customerId))
      .exec()) as [[unknown, number], [unknown, number]];
    return { tenant, customer };
  }

  async listForCustomer(tenantId: string, customerId: string, limit: number): Promise<Order[]> {
    const ids = await this.redis.smembers(this.keys.customerOrders(tenantId, customerId));
    const orders = await this.load(ids.map((id) => this.keys.order(tenantId, id)));
    return orders
      .filter((o) => !FINAL_STATUSES.has(o.status))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
      .slice(0, limit);
  }

  async listActiveCreatedBetween(from: number, to: number, limit: number): Promise<Order[]> {
    const members = await this.redis.zrangebyscore(
      this.keys.activeAll,
      `(${from}`,
      String(to),
      'LIMIT',
      0,
      limit,
    );
    return this.load(members.map((m) => this.keys.order(...split(m))));
  }

  async prune(before: number): Promise<number> {
    const members = await this.redis.zrangebyscore(this.keys.finals, '-inf', `(${before}`);
    if (members.length === 0) return 0;
    await this.redis
      .multi()
      .del(...members.map((m) => this.keys.order(...split(m))))
      .zrem(this.keys.finals, ...members)
      .exec();
    return members.length;
  }

  private keysOf(order: Order): string[] {
    const k = this.keys;
    return [
      k.order(order.tenantId, order.orderId),
      k.active(order.tenantId),
      k.activeAll,
      k.customerOrders(order.tenantId, order.customerId),
      k.finals,
    ];
  }

  private argsOf(order: Order): string[] {
    return [
      JSON.stringify(this.sealPersonal(order)),
      String(Date.parse(order.createdAt)),
      order.orderId,
      `${order.tenantId}|${order.orderId}`,
      FINAL_STATUSES.has(order.status) ? '1' : '0',
      String(Date.parse(order.updatedAt)),
      String(this.bounds.retentionMs),
      String(this.bounds.retentionMax),
      this.keys.scriptPrefix,
    ];
  }

  private async load(keys: string[]): Promise<Order[]> {
    if (keys.length === 0) return [];
    const raws = await this.redis.mget(keys);
    return raws.filter((r): r is string => r !== null).map((r) => this.parse(r));
  }

  private sealPersonal(order: Order): unknown {
    if (!this.sealer.enabled) return order;
    const { deliveryAddress, notes } = order;
    return {
      ...order,
      ...(deliveryAddress ? { deliveryAddress: this.sealer.sealJson(deliveryAddress) } : {}),
      ...(notes !== undefined ? { notes: this.sealer.seal(notes) } : {}),
    };
  }

  private parse(raw: string): Order {
    const stored = JSON.parse(raw) as Omit<Order, 'deliveryAddress'> & { deliveryAddress?: unknown };
    const { deliveryAddress, notes } = stored;
    return {
      ...stored,
      ...(typeof deliveryAddress === 'string'
        ? { deliveryAddress: this.sealer.openJson<Order['deliveryAddress']>(deliveryAddress) }
        : {}),
      ...(notes !== undefined ? { notes: this.sealer.open(notes) } : {}),
    } as Order;
  }
}

function split(member: string): [string, string] {
  const at = member.indexOf('|');
  return [member.slice(0, at), member.slice(at + 1)];
}

const scriptsOf = (redis: Redis) => bindScripts(redis, { orderCreate: CREATE, orderUpdate: UPDATE });
