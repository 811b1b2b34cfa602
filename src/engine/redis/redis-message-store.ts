import { randomBytes } from 'node:crypto';
import type { DurableType, Envelope } from '@orderwire/contracts';
import { ALL_TENANTS } from '@orderwire/contracts';
import type { Redis } from 'ioredis';
import { formatCursor, parseCursor } from '../cursor.js';
import type {
  DeadLetter,
  MessageStore,
  ReplayReader,
  ReplayResult,
  StoredMessage,
  Targets,
} from '../message-store.js';
import type { RedisKeys } from './redis-keys.js';
import { Sealer } from './sealer.js';

/** Stores the message and indexes it in its tenant's log and the global one, atomically. */
const APPEND = `
local e = redis.call('GET', KEYS[2])
if not e then e = ARGV[4]; redis.call('SET', KEYS[2], e) end
local seq = redis.call('INCR', KEYS[1])
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2]) end
redis.call('ZADD', KEYS[4], seq, ARGV[3])
redis.call('ZADD', KEYS[5], seq, ARGV[3])
redis.call('SADD', KEYS[6], ARGV[5])
return {seq, e}`;

const PAGE = 500;

interface Stored {
  envelope: Envelope<DurableType>;
  targets: Targets;
  publishedAt: number;
}

/**
 * The message log in Redis: each message under its own key with a TTL of MESSAGE_TTL_SECONDS,
 * indexed by seq in a sorted set per tenant (and one for every tenant). Any node can replay a
 * cursor issued by any other.
 */
export class RedisMessageStore implements MessageStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly opts: { ttlMs: number },
    /** Seals stored messages and dead letters (they carry addresses and notes) at rest. */
    private readonly sealer = new Sealer(),
  ) {}

  async append(envelope: Envelope<DurableType>, targets: Targets, publishedAt: number): Promise<string> {
    const body: Stored = { envelope: { ...envelope, cursor: undefined }, targets, publishedAt };
    // A message already past retention is indexed but not kept (it is gone for replay).
    const ttl = Math.max(0, publishedAt + this.opts.ttlMs - Date.now());
    const k = this.keys;
    const [seq, epoch] = (await this.redis.eval(
      APPEND,
      6,
      k.seq,
      k.epoch,
      k.message(envelope.id),
      k.log(envelope.tenantId),
      k.log(ALL_TENANTS),
      k.tenants,
      this.sealer.seal(JSON.stringify(body)),
      ttl,
      envelope.id,
      randomBytes(6).toString('base64url'),
      envelope.tenantId,
    )) as [number, string];
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
        const stored = this.sealer.openJson<Stored>(raw);
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
      await this.redis.set(this.keys.epoch, randomBytes(6).toString('base64url'), 'NX');
      [epoch, seq] = await this.redis.mget(this.keys.epoch, this.keys.seq);
    }
    return formatCursor(epoch!, Number(seq ?? 0));
  }

  async get(messageId: string): Promise<StoredMessage | undefined> {
    const [[, raw], [, score], [, epoch]] = (await this.redis
      .multi()
      .get(this.keys.message(messageId))
      .zscore(this.keys.log(ALL_TENANTS), messageId)
      .get(this.keys.epoch)
      .exec()) as [[unknown, string | null], [unknown, string | null], [unknown, string | null]];
    if (!raw) return undefined;
    const stored = this.sealer.openJson<Stored>(raw);
    if (score !== null && epoch) stored.envelope.cursor = formatCursor(epoch, Number(score));
    return stored;
  }

  async prune(_now: number): Promise<number> {
    // Messages expire by their own TTL; this trims the indexes of what has expired, oldest first.
    const tenants = await this.redis.smembers(this.keys.tenants);
    let dropped = 0;
    for (const tenantId of tenants) dropped += await this.trim(tenantId);
    await this.trim(ALL_TENANTS);
    return dropped;
  }

  async addDeadLetter(letter: DeadLetter): Promise<void> {
    await this.redis
      .multi()
      .set(this.keys.deadLetter(letter.messageId), this.sealer.seal(JSON.stringify(letter)))
      .zadd(this.keys.deadLetters(letter.tenantId), 0, letter.messageId)
      .zadd(this.keys.deadLetters(ALL_TENANTS), 0, letter.messageId)
      .exec();
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
      await this.redis
        .multi()
        .zrem(log, ...ids.slice(0, n))
        .set(this.keys.floor(tenantId), floorSeq)
        .exec();
      dropped += n;
      if (n < ids.length) return dropped;
    }
  }
}
