import { ALL_TENANTS } from '@orderwire/contracts';
import type { Redis } from 'ioredis';
import type { DeadLetter, MessageStoreBounds } from '../message-store.js';
import { bindScripts } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import { ADD_DEAD_LETTER, PRUNE_DEAD_LETTERS } from './redis-message-scripts.js';
import type { Sealer } from './sealer.js';

/**
 * The dead letters of the redis message store (RedisMessageStore delegates to this): each under
 * its own key with a TTL, indexed per tenant and for every tenant (platform admins' list), with
 * their expiry, bounded per tenant and in all. Not yet on one slot per tenant (issue #34).
 */
export class RedisDeadLetters {
  private readonly lua: ReturnType<typeof scriptsOf>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly bounds: MessageStoreBounds['deadLetters'],
    private readonly sealer: Sealer,
  ) {
    this.lua = scriptsOf(redis);
  }

  /** Drops letters past their expiry from the indexes (their keys expired by TTL). */
  async prune(now: number): Promise<void> {
    const k = this.keys;
    while (
      (await this.lua.pruneDeadLetters(2, k.deadLetterExpiry, k.deadLetterTenants, now, k.scriptPrefix)) ===
      1000
    );
  }

  async add(letter: DeadLetter): Promise<void> {
    const k = this.keys;
    const { ttlMs, perTenant, max } = this.bounds;
    await this.lua.addDeadLetter(
      5,
      k.deadLetter(letter.messageId),
      k.deadLetters(letter.tenantId),
      k.deadLetters(ALL_TENANTS),
      k.deadLetterExpiry,
      k.deadLetterTenants,
      this.sealer.seal(JSON.stringify(letter)),
      ttlMs,
      letter.messageId,
      letter.tenantId,
      Date.now() + ttlMs,
      perTenant,
      max,
      k.scriptPrefix,
    );
  }

  async list(tenantId: string, limit: number, before?: string): Promise<DeadLetter[]> {
    const ids = await this.redis.zrevrangebylex(
      this.keys.deadLetters(tenantId),
      before ? `(${before}` : '+',
      '-',
      'LIMIT',
      0,
      limit,
    );
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.deadLetter(id)));
    return raws.filter((r): r is string => r !== null).map((r) => this.sealer.openJson<DeadLetter>(r));
  }

  async take(tenantId: string, messageId: string): Promise<DeadLetter | undefined> {
    const raw = await this.redis.get(this.keys.deadLetter(messageId));
    if (!raw) return undefined;
    const letter = this.sealer.openJson<DeadLetter>(raw);
    if (tenantId !== ALL_TENANTS && letter.tenantId !== tenantId) return undefined;
    const [[, removed]] = (await this.redis
      .multi()
      .del(this.keys.deadLetter(messageId))
      .zrem(this.keys.deadLetters(letter.tenantId), messageId)
      .zrem(this.keys.deadLetters(ALL_TENANTS), messageId)
      .zrem(this.keys.deadLetterExpiry, `${letter.tenantId}|${messageId}`)
      .hdel(this.keys.deadLetterTenants, messageId)
      .exec()) as [[unknown, number]];
    // Two admins replaying at once: only the one that removed it gets it.
    return removed === 1 ? letter : undefined;
  }

  count(tenantId: string): Promise<number> {
    return this.redis.zcard(this.keys.deadLetters(tenantId));
  }
}

const scriptsOf = (redis: Redis) =>
  bindScripts(redis, { pruneDeadLetters: PRUNE_DEAD_LETTERS, addDeadLetter: ADD_DEAD_LETTER });
