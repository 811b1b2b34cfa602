// The Lua scripts of the redis order store (redis-order-store.ts): each runs atomically.
import { APPEND_ARGS, APPEND_FUNCTION, APPEND_KEYS, NUMBERED } from './redis-message-scripts.js';

// An order's keys, all on its tenant's slot: KEYS[1] the order, [2] the tenant's active orders
// (by creation time), [3] the customer's active orders, [4] the tenant's final orders (by when
// they became final). Its arguments: ARGV[1] the JSON, [2] created at (ms), [3] the id, [4] '1'
// when final, [5] updated at (ms), [6] the retention (ms), [7] ORDER_RETENTION_MAX (per tenant),
// [8] what comes before an id in the tenant's order keys.

/**
 * A final order: indexed by when it became final, its key expiring after the retention; past
 * the tenant's cap its oldest final orders are deleted at once.
 */
const FINALIZE = `
local function finalize()
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
  redis.call('ZADD', KEYS[4], ARGV[5], ARGV[3])
  local over = redis.call('ZCARD', KEYS[4]) - tonumber(ARGV[7])
  if over <= 0 then return end
  for _, id in ipairs(redis.call('ZRANGE', KEYS[4], 0, over - 1)) do
    redis.call('DEL', ARGV[8] .. id)
    redis.call('ZREM', KEYS[4], id)
  end
end
`;

/** A new order's JSON starts with this `orderNumber` member, for CREATE to fill in. */
export const NUMBER_PLACEHOLDER = '#';
const NUMBER_HEAD = `{"orderNumber":"${NUMBER_PLACEHOLDER}"`;
/** Day counters outlive their day by a day (a late retry still finds its day's counter). */
export const NUMBER_TTL_SECONDS = 2 * 86_400;

/**
 * `create_order()`: numbers and stores a new order that does not exist yet, returning its
 * sequence number of the day; the number is formatted as formatOrderNumber does
 * (contracts/order.ts). KEYS: an order's 4, then the tenant's counter of the day. ARGV: an
 * order's 8 (the JSON starting with NUMBER_HEAD), then the counter's TTL.
 */
const CREATE_FUNCTION = `${FINALIZE}
local function create_order()
  local head = '${NUMBER_HEAD}'
  if string.sub(ARGV[1], 1, #head) ~= head then error('the order JSON must start with its number') end
  local n = redis.call('INCR', KEYS[5])
  redis.call('EXPIRE', KEYS[5], ARGV[9])
  local letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ'
  local block = math.floor((n - 1) / 999)
  local number = tostring(n)
  if block < #letters then number = string.sub(letters, block + 1, block + 1) .. '-' .. string.format('%03d', (n - 1) % 999 + 1) end
  redis.call('SET', KEYS[1], '{"orderNumber":"' .. number .. '"' .. string.sub(ARGV[1], #head + 1))
  if ARGV[4] == '1' then
    finalize()
  else
    redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
    redis.call('SADD', KEYS[3], ARGV[3])
  end
  return n
end
`;

/** CREATE_FUNCTION's keys and arguments; returns 0 if the order exists, else its sequence number. */
export const CREATE = `${CREATE_FUNCTION}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
return create_order()`;

/**
 * order.place in one step: the order must not exist, the active-order limits are checked, the
 * order is numbered and stored, and its `order.created` message appended to the log
 * (APPEND_FUNCTION), `#<n>#` in front of the body (redis-message-store.ts reads the number from
 * there: the body was sealed before the number was known). KEYS 1-5, ARGV 1-9: CREATE's; ARGV
 * 10, 11: the limits per customer and per tenant; then the message's APPEND_KEYS keys and
 * APPEND_ARGS arguments. Returns {0} if the order exists, {-1} at the customer's limit, {-2} at
 * the tenant's, else {n, seq, epoch}.
 */
export const PLACE = `${CREATE_FUNCTION}${APPEND_FUNCTION}
if redis.call('EXISTS', KEYS[1]) == 1 then return {0} end
if redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[10]) then return {-1} end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[11]) then return {-2} end
local n = create_order()
local a = {unpack(ARGV, 12, 11 + ${APPEND_ARGS})}
a[1] = '${NUMBERED}' .. n .. '${NUMBERED}' .. a[1]
local r = append_message({unpack(KEYS, 6, 5 + ${APPEND_KEYS})}, a)
return {n, r[1], r[2]}`;

/**
 * An order's 4 keys and 8 arguments, plus ARGV[9]: the revision the stored order must still have;
 * then, optionally, the APPEND_KEYS keys and APPEND_ARGS arguments of a message appended in the
 * same step when the change wins. Returns {0} if it lost, {1} or {1, seq, epoch} if it won.
 */
export const UPDATE = `${FINALIZE}${APPEND_FUNCTION}
local raw = redis.call('GET', KEYS[1])
if not raw then return {0} end
if (cjson.decode(raw)['revision'] or 0) ~= tonumber(ARGV[9]) then return {0} end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[4] == '1' then
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('SREM', KEYS[3], ARGV[3])
  finalize()
end
if #KEYS == 4 then return {1} end
local r = append_message({unpack(KEYS, 5, 4 + ${APPEND_KEYS})}, {unpack(ARGV, 10, 9 + ${APPEND_ARGS})})
return {1, r[1], r[2]}`;
