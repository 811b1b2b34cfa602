import type { DurableType, Envelope } from '@orderwire/contracts';
import type { Order } from '@orderwire/contracts';
import { ALL_TENANTS, formatOrderNumber } from '@orderwire/contracts';
import type { Redis } from 'ioredis';
import { formatCursor, parseCursor } from '../cursor.js';
import type {
  DeadLetter,
  MessageStore,
  MessageStoreBounds,
  ReplayReader,
  ReplayResult,
  StoredMessage,
  Targets,
} from '../message-store.js';
import { bindScripts } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import { ADD_DEAD_LETTER, APPEND, NUMBERED, PRUNE_DEAD_LETTERS, TRIM } from './redis-message-scripts.js';
import { Sealer } from './sealer.js';
import { epochCandidate } from './epoch-candidate.js';

const PAGE = 500;

/**
 * The message log in Redis: each message under its own key with a TTL of MESSAGE_TTL_SECONDS,
 * indexed by seq in a sorted set per tenant (and one for every tenant). Any node can replay a
 * cursor issued by any other.
 */
export class RedisMessageStore implements MessageStore {
  /** The store's Lua scripts, called by SHA (lua-scripts.ts). */
  private readonly lua: ReturnType<typeof scriptsOf>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly opts: MessageStoreBounds,
    /** Seals stored messages and dead letters (they carry addresses and notes) at rest. */
    private readonly sealer = new Sealer(),
  ) {
    this.lua = scriptsOf(redis);
  }

  async append(envelope: Envelope<DurableType>, targets: Targets, publishedAt: number): Promise<string> {
    const { keys, args } = this.appendCall({ envelope, targets, publishedAt });
    const [seq, epoch] = (await this.lua.messageAppend(keys.length, ...keys, ...args)) as [number, string];
    return this.appended(envelope, epoch, seq);
  }

  /**
   * The keys and arguments of APPEND_FUNCTION for `entry` (APPEND_KEYS and APPEND_ARGS of them):
   * what a script that changes an order passes to append its message in the same step.
   */
  appendCall(entry: StoredMessage): { keys: string[]; args: Array<string | number> } {
    const { envelope, targets, publishedAt } = entry;
    const body: StoredMessage = { envelope: { ...envelope, cursor: undefined }, targets, publishedAt };
    // A message already past retention is indexed but not kept (it is gone for replay).
    const ttl = Math.max(0, publishedAt + this.opts.ttlMs - Date.now());
    const k = this.keys;
    const sealed = this.sealer.seal(JSON.stringify(body));
    return {
      keys: [
        k.seq,
        k.epoch,
        k.message(envelope.id),
        k.log(envelope.tenantId),
        k.log(ALL_TENANTS),
        k.tenants,
        k.logSizes,
        k.logBytes,
      ],
      args: [
        sealed,
        ttl,
        envelope.id,
        epochCandidate(),
        envelope.tenantId,
        sealed.length,
        this.opts.retentionMax,
        this.opts.retentionMaxBytes,
        k.scriptPrefix,
      ],
    };
  }

  /** Sets the cursor of a message APPEND_FUNCTION stored as `seq` in `epoch`, and returns it. */
  appended(envelope: Envelope<DurableType>, epoch: string, seq: number): string {
    const cursor = formatCursor(epoch, seq);
    envelope.cursor = cursor;
    return cursor;
  }

  async readAfter(cursor: string, reader: ReplayReader, limit: number): Promise<ReplayResult> {
    const parsed = parseCursor(cursor);
    const [epoch, head, floor] = await this.redis.mget(
      this.keys.epoch,
      this.keys.seq,
      this.keys.floor(reader.tenantId),
    );
    if (!parsed || parsed.epoch !== epoch || parsed.seq > Number(head ?? 0))
      return { messages: [], recovered: false };
    let recovered = parsed.seq >= Number(floor ?? 0);
    const rooms = new Set(reader.rooms);
    const messages: StoredMessage[] = [];
    const log = this.keys.log(reader.tenantId);
    let from = `(${parsed.seq}`;
    for (;;) {
      const page = await this.redis.zrangebyscore(log, from, '+inf', 'WITHSCORES', 'LIMIT', 0, PAGE);
      if (page.length === 0) break;
      const ids: string[] = [];
      const seqs: number[] = [];
      for (let i = 0; i < page.length; i += 2) {
        ids.push(page[i]);
        seqs.push(Number(page[i + 1]));
      }
      const bodies = await this.redis.mget(ids.map((id) => this.keys.message(id)));
      for (let i = 0; i < ids.length; i++) {
        const raw = bodies[i];
        if (raw === null) {
          recovered = false; // expired before a prune removed it from the index
          continue;
        }
        const stored = this.open(raw);
        const targeted = stored.targets[reader.role];
        if (!targeted || !targeted.some((room) => rooms.has(room))) continue;
        if (messages.length === limit) return { messages, recovered: false };
        stored.envelope.cursor = formatCursor(epoch!, seqs[i]);
        messages.push(stored);
      }
      if (ids.length < PAGE) break;
      from = `(${seqs[seqs.length - 1]}`;
    }
    return { messages, recovered };
  }

  async head(): Promise<string> {
    let [epoch, seq] = await this.redis.mget(this.keys.epoch, this.keys.seq);
    if (!epoch) {
      await this.redis.set(this.keys.epoch, epochCandidate(), 'NX');
      [epoch, seq] = await this.redis.mget(this.keys.epoch, this.keys.seq);
    }
    return formatCursor(epoch!, Number(seq ?? 0));
  }

  async readRange(epoch: string, from: number, to: number, limit: number): Promise<StoredMessage[]> {
    const [[, current], [, page]] = (await this.redis
      .multi()
      .get(this.keys.epoch)
      .zrangebyscore(this.keys.log(ALL_TENANTS), from, to, 'WITHSCORES', 'LIMIT', 0, limit)
      .exec()) as [[unknown, string | null], [unknown, string[]]];
    if (current !== epoch || page.length === 0) return [];
    const ids = page.filter((_, i) => i % 2 === 0);
    const bodies = await this.redis.mget(ids.map((id) => this.keys.message(id)));
    const out: StoredMessage[] = [];
    for (let i = 0; i < ids.length; i++) {
      const raw = bodies[i];
      if (raw === null) continue; // expired: gone for everyone
      const stored = this.open(raw);
      stored.envelope.cursor = formatCursor(epoch, Number(page[i * 2 + 1]));
      out.push(stored);
    }
    return out;
  }

  async get(messageId: string): Promise<StoredMessage | undefined> {
    const [[, raw], [, score], [, epoch]] = (await this.redis
      .multi()
      .get(this.keys.message(messageId))
      .zscore(this.keys.log(ALL_TENANTS), messageId)
      .get(this.keys.epoch)
      .exec()) as [[unknown, string | null], [unknown, string | null], [unknown, string | null]];
    if (!raw) return undefined;
    const stored = this.open(raw);
    if (score !== null && epoch) stored.envelope.cursor = formatCursor(epoch, Number(score));
    return stored;
  }

  /**
   * A stored message. An `order.created` stored with its order (redis-order-store.ts, PLACE) is
   * `#<n>#<body>`: the order was numbered in the same step, after its body was sealed, so the
   * number goes in front (it is no personal data) and into the order here.
   */
  private open(raw: string): StoredMessage {
    if (!raw.startsWith(NUMBERED)) return this.sealer.openJson<StoredMessage>(raw);
    const end = raw.indexOf(NUMBERED, 1);
    const stored = this.sealer.openJson<StoredMessage>(raw.slice(end + 1));
    (stored.envelope.data as { order: Order }).order.orderNumber = formatOrderNumber(
      Number(raw.slice(1, end)),
    );
    return stored;
  }

  async prune(now: number): Promise<number> {
    while (
      (await this.lua.pruneDeadLetters(
        2,
        this.keys.deadLetterExpiry,
        this.keys.deadLetterTenants,
        now,
        this.keys.scriptPrefix,
      )) === 1000
    );
    // Messages expire by their own TTL; this trims the indexes of what has expired, oldest first.
    const tenants = await this.redis.smembers(this.keys.tenants);
    let dropped = 0;
    for (const tenantId of tenants) dropped += await this.trim(tenantId);
    await this.trim(ALL_TENANTS);
    return dropped;
  }

  async addDeadLetter(letter: DeadLetter): Promise<void> {
    const k = this.keys;
    const { ttlMs, perTenant, max } = this.opts.deadLetters;
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

  async listDeadLetters(tenantId: string, limit: number, before?: string): Promise<DeadLetter[]> {
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

  async takeDeadLetter(tenantId: string, messageId: string): Promise<DeadLetter | undefined> {
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

  countDeadLetters(tenantId: string): Promise<number> {
    return this.redis.zcard(this.keys.deadLetters(tenantId));
  }

  private async trim(tenantId: string): Promise<number> {
    const log = this.keys.log(tenantId);
    let dropped = 0;
    for (;;) {
      const page = await this.redis.zrange(log, '0', '199', 'WITHSCORES');
      if (page.length === 0) return dropped;
      const ids = page.filter((_, i) => i % 2 === 0);
      const exists = await this.redis.mget(ids.map((id) => this.keys.message(id)));
      const gone = exists.findIndex((raw) => raw !== null);
      const n = gone === -1 ? ids.length : gone;
      if (n === 0) return dropped;
      const floorSeq = page[(n - 1) * 2 + 1];
      const k = this.keys;
      await this.lua.trimLog(
        4,
        log,
        k.floor(tenantId),
        k.logSizes,
        k.logBytes,
        tenantId === ALL_TENANTS ? '1' : '0',
        floorSeq,
        ...ids.slice(0, n),
      );
      dropped += n;
      if (n < ids.length) return dropped;
    }
  }
}

const scriptsOf = (redis: Redis) =>
  bindScripts(redis, {
    messageAppend: APPEND,
    pruneDeadLetters: PRUNE_DEAD_LETTERS,
    addDeadLetter: ADD_DEAD_LETTER,
    trimLog: TRIM,
  });
