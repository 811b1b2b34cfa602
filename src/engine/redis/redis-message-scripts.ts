// The Lua scripts of the redis message store (redis-message-store.ts): each runs atomically.

/**
 * Stores the message and indexes it in its tenant's log, atomically; then, while the log is over
 * its count or byte bound (per tenant), drops its oldest messages (their bodies and index
 * entries, and raises the floor so a replay from before them is not `recovered`). Every key is
 * the tenant's, on its slot (Redis Cluster). A Lua function, so that a script changing an order
 * appends its message in the same step (redis-order-store.ts): `append_message(k, a)` with k =
 * the 7 keys and a = the 8 arguments below, returning `{seq, epoch}`.
 * k: seq, epoch, message, log, floor, sizes (id -> size), bytes.
 * a: body, ttl ms, id, new epoch, size, max count, max bytes, the tenant's message key prefix.
 */
export const APPEND_FUNCTION = `
local function append_message(k, a)
  local e = redis.call('GET', k[2])
  if not e then e = a[4]; redis.call('SET', k[2], e) end
  local seq = redis.call('INCR', k[1])
  if tonumber(a[2]) > 0 then redis.call('SET', k[3], a[1], 'PX', a[2]) end
  redis.call('ZADD', k[4], seq, a[3])
  redis.call('HSET', k[6], a[3], a[5])
  local bytes = redis.call('INCRBY', k[7], a[5])
  local count = redis.call('ZCARD', k[4])
  local maxCount, maxBytes, p = tonumber(a[6]), tonumber(a[7]), a[8]
  local n = 0
  while (count > maxCount or bytes > maxBytes) and count > 1 and n < 256 do
    local oldest = redis.call('ZRANGE', k[4], 0, 0, 'WITHSCORES')
    local id, s = oldest[1], oldest[2]
    local size = redis.call('HGET', k[6], id)
    redis.call('ZREM', k[4], id)
    redis.call('DEL', p .. id)
    redis.call('SET', k[5], s)
    if size then
      redis.call('HDEL', k[6], id)
      bytes = redis.call('DECRBY', k[7], tonumber(size))
    end
    count = count - 1
    n = n + 1
  end
  return {seq, e}
end
`;

/** Marks a stored message numbered in the same step (redis-order-scripts.ts PLACE): `#<n>#<body>`. */
export const NUMBERED = '#';

/** How many keys and arguments `append_message` takes (a script passes them last). */
export const APPEND_KEYS = 7;
export const APPEND_ARGS = 8;

/** APPEND_FUNCTION on its own: KEYS and ARGV are its k and a. */
export const APPEND = `${APPEND_FUNCTION}
return append_message(KEYS, ARGV)`;

/**
 * Removes expired ids from a tenant's log, their sizes from its byte count, and raises its
 * floor. Only ids it removed itself are counted, so a concurrent APPEND that evicted the same
 * message does not make the count go twice.
 * KEYS: log, floor, sizes, bytes. ARGV: floor seq, ids...
 */
export const TRIM = `
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('ZREM', KEYS[1], id) == 1 then
    local size = redis.call('HGET', KEYS[3], id)
    if size then
      redis.call('HDEL', KEYS[3], id)
      redis.call('DECRBY', KEYS[4], tonumber(size))
    end
  end
end
local floor = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[1]) > floor then redis.call('SET', KEYS[2], ARGV[1]) end
return 1`;

/**
 * A dead letter in its tenant's set: stored with its TTL (replacing one with the same id), then
 * the tenant's oldest letters (lowest ids: ULIDs sort by time) past DEAD_LETTERS_PER_TENANT are
 * dropped. Every key is the tenant's (one slot). Returns the ids it dropped, for the fixed
 * indexes. KEYS: letter, tenant set. ARGV: body, ttl ms, id, per tenant, the tenant's letter key
 * prefix.
 */
export const DEAD_LETTER_ADD = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[3])
local dropped = {}
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, over - 1)) do
    redis.call('DEL', ARGV[5] .. id)
    redis.call('ZREM', KEYS[2], id)
    dropped[#dropped + 1] = id
  end
end
return dropped`;

/**
 * A dead letter in the fixed indexes (every tenant's ids, their expiry, each one's tenant), then
 * the oldest past DEAD_LETTERS_MAX dropped from them; returns those as `tenant|id`, for their
 * tenants' sets. KEYS: all, expiry, tenant of each. ARGV: id, tenant, expires at, max.
 */
export const DEAD_LETTER_INDEX = `
local previous = redis.call('HGET', KEYS[3], ARGV[1])
if previous then redis.call('ZREM', KEYS[2], previous .. '|' .. ARGV[1]) end
redis.call('ZADD', KEYS[1], 0, ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2] .. '|' .. ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
local dropped = {}
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
if over > 0 then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, over - 1)) do
    local tenant = redis.call('HGET', KEYS[3], id)
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[3], id)
    if tenant then
      redis.call('ZREM', KEYS[2], tenant .. '|' .. id)
      dropped[#dropped + 1] = tenant .. '|' .. id
    end
  end
end
return dropped`;

/**
 * Removes dead letters from the fixed indexes: those past their expiry (ARGV[1] a time: a page of
 * 1,000), or the ids given (ARGV[1] '', then ids). Returns the removed ones as `tenant|id`, for
 * their tenants' sets. KEYS: all, expiry, tenant of each.
 */
export const DEAD_LETTER_UNINDEX = `
local gone = {}
if ARGV[1] ~= '' then
  gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 1000)
else
  for i = 2, #ARGV do
    local tenant = redis.call('HGET', KEYS[3], ARGV[i])
    if tenant then gone[#gone + 1] = tenant .. '|' .. ARGV[i] end
  end
end
for _, member in ipairs(gone) do
  local id = string.sub(member, string.find(member, '|', 1, true) + 1)
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], member)
  redis.call('HDEL', KEYS[3], id)
end
return gone`;
