import { ALL_TENANTS } from '@orderwire/contracts';
import type { DeadLetter, MessageStoreBounds } from '../message-store.js';
import { bindScripts, type RedisClient } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import { DEAD_LETTER_ADD, DEAD_LETTER_INDEX, DEAD_LETTER_UNINDEX } from './redis-message-scripts.js';
import type { Sealer } from './sealer.js';

/** Expired letters the prune takes from the fixed indexes per call (DEAD_LETTER_UNINDEX). */
const PRUNE_PAGE = 1000;

/**
 * The dead letters of the redis message store (RedisMessageStore delegates to this). Each letter
 * is under its own key with a TTL, in its tenant's set (DEAD_LETTERS_PER_TENANT), on the tenant's
 * slot; and in fixed indexes on the hub's fixed slot: every tenant's ids (platform admins' list,
 * DEAD_LETTERS_MAX), their expiry (the prune), and each one's tenant (a platform admin's replay
 * names only the id). Redis Cluster cannot write both slots in one step, so a letter enters the
 * fixed indexes before its tenant's set and leaves them after: a crash in between leaves an id
 * the lists skip (no letter behind it) until its expiry prunes it, never a letter that nothing
 * prunes. Dead letters are rare (deliveries that failed every attempt), so the fixed slot
 * carries little.
 */
export class RedisDeadLetters {
  private readonly lua: ReturnType<typeof scriptsOf>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly bounds: MessageStoreBounds['deadLetters'],
    private readonly sealer: Sealer,
  ) {
    this.lua = scriptsOf(redis);
  }

  /** Drops letters past their expiry (their keys expired by TTL) from every index. */
  async prune(now: number): Promise<void> {
    for (;;) {
      const gone = await this.unindex(String(now));
      await this.dropFromTenants(gone);
      if (gone.length < PRUNE_PAGE) return;
    }
  }

  async add(letter: DeadLetter): Promise<void> {
    const k = this.keys;
    const { ttlMs, perTenant, max } = this.bounds;
    const t = letter.tenantId;
    const overAll = (await this.lua.deadLetterIndex(
      3,
      k.deadLetterAll,
      k.deadLetterExpiry,
      k.deadLetterTenants,
      letter.messageId,
      t,
      Date.now() + ttlMs,
      max,
    )) as string[];
    const overTenant = (await this.lua.deadLetterAdd(
      2,
      k.deadLetter(t, letter.messageId),
      k.deadLetters(t),
      this.sealer.seal(JSON.stringify(letter)),
      ttlMs,
      letter.messageId,
      perTenant,
      k.deadLetter(t, ''),
    )) as string[];
    await this.dropFromTenants(overAll);
    if (overTenant.length > 0) await this.unindex('', overTenant);
  }

  async list(tenantId: string, limit: number, before?: string): Promise<DeadLetter[]> {
    const all = tenantId === ALL_TENANTS;
    const ids = await this.redis.zrevrangebylex(
      all ? this.keys.deadLetterAll : this.keys.deadLetters(tenantId),
      before ? `(${before}` : '+',
      '-',
      'LIMIT',
      0,
      limit,
    );
    if (ids.length === 0) return [];
    const tenants = all
      ? await this.redis.hmget(this.keys.deadLetterTenants, ...ids)
      : ids.map(() => tenantId);
    // One MGET per tenant (its letters share its slot), then back in the ids' order.
    const byTenant = new Map<string, string[]>();
    ids.forEach((id, i) => {
      const t = tenants[i];
      if (t) byTenant.set(t, [...(byTenant.get(t) ?? []), id]);
    });
    const raws = new Map<string, string>();
    for (const [t, theirs] of byTenant) {
      const got = await this.redis.mget(theirs.map((id) => this.keys.deadLetter(t, id)));
      theirs.forEach((id, i) => got[i] && raws.set(id, got[i]!));
    }
    return ids.flatMap((id) => {
      const raw = raws.get(id);
      return raw ? [this.sealer.openJson<DeadLetter>(raw)] : [];
    });
  }

  async take(tenantId: string, messageId: string): Promise<DeadLetter | undefined> {
    const t =
      tenantId === ALL_TENANTS ? await this.redis.hget(this.keys.deadLetterTenants, messageId) : tenantId;
    if (!t) return undefined;
    const key = this.keys.deadLetter(t, messageId);
    const raw = await this.redis.get(key);
    if (!raw) return undefined;
    const letter = this.sealer.openJson<DeadLetter>(raw);
    const [[, removed]] = (await this.redis
      .multi()
      .del(key)
      .zrem(this.keys.deadLetters(t), messageId)
      .exec()) as [[unknown, number]];
    await this.unindex('', [messageId]);
    // Two admins replaying at once: only the one that removed it gets it.
    return removed === 1 ? letter : undefined;
  }

  count(tenantId: string): Promise<number> {
    return this.redis.zcard(
      tenantId === ALL_TENANTS ? this.keys.deadLetterAll : this.keys.deadLetters(tenantId),
    );
  }

  /** DEAD_LETTER_UNINDEX: the expired ones (`dueBy` a time) or `ids`; returns them as `tenant|id`. */
  private async unindex(dueBy: string, ids: string[] = []): Promise<string[]> {
    const k = this.keys;
    return (await this.lua.deadLetterUnindex(
      3,
      k.deadLetterAll,
      k.deadLetterExpiry,
      k.deadLetterTenants,
      dueBy,
      ...ids,
    )) as string[];
  }

  /** Deletes letters (`tenant|id`) and their entries in their tenants' sets, a tenant at a time. */
  private async dropFromTenants(members: string[]): Promise<void> {
    const byTenant = new Map<string, string[]>();
    for (const member of members) {
      const at = member.indexOf('|');
      const t = member.slice(0, at);
      byTenant.set(t, [...(byTenant.get(t) ?? []), member.slice(at + 1)]);
    }
    for (const [t, ids] of byTenant) {
      await this.redis
        .multi()
        .del(...ids.map((id) => this.keys.deadLetter(t, id)))
        .zrem(this.keys.deadLetters(t), ...ids)
        .exec();
    }
  }
}

const scriptsOf = (redis: RedisClient) =>
  bindScripts(redis, {
    deadLetterAdd: DEAD_LETTER_ADD,
    deadLetterIndex: DEAD_LETTER_INDEX,
    deadLetterUnindex: DEAD_LETTER_UNINDEX,
  });
