import type { DurableType, Envelope } from '@orderwire/contracts';
import type { Order } from '@orderwire/contracts';
import { ALL_TENANTS, formatOrderNumber } from '@orderwire/contracts';
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
import { bindScripts, type RedisClient } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import { APPEND, NUMBERED, TRIM } from './redis-message-scripts.js';
import { RedisDeadLetters } from './redis-dead-letters.js';
import { RedisTenantRegistry } from './redis-tenant-registry.js';
import { Sealer } from './sealer.js';
import { epochCandidate } from './epoch-candidate.js';

const PAGE = 500;

/**
 * The message log in Redis: a log per tenant (its messages, each under its own key with a TTL of
 * MESSAGE_TTL_SECONDS, indexed by seq in a sorted set; its own seq and epoch, which its cursors
 * carry; bounded by MESSAGE_RETENTION_MAX[_BYTES]), all on the tenant's slot, so that Redis
 * Cluster spreads tenants over shards. Any node can replay a cursor issued by any other.
 */
export class RedisMessageStore implements MessageStore {
  /** The store's Lua scripts, called by SHA (lua-scripts.ts). */
  private readonly lua: ReturnType<typeof scriptsOf>;
  /** Tenants with a log, for the prune's walk (past TENANTS_MAX a log is trimmed by its bounds only). */
  private readonly tenants: RedisTenantRegistry;
  private readonly deadLetters: RedisDeadLetters;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly opts: MessageStoreBounds,
    /** Seals stored messages and dead letters (they carry addresses and notes) at rest. */
    private readonly sealer = new Sealer(),
  ) {
    this.lua = scriptsOf(redis);
    this.tenants = new RedisTenantRegistry(redis, keys.logTenants, opts.maxTenants);
    this.deadLetters = new RedisDeadLetters(redis, keys, opts.deadLetters, sealer);
  }

  async append(envelope: Envelope<DurableType>, targets: Targets, publishedAt: number): Promise<string> {
    const { keys, args } = this.appendCall({ envelope, targets, publishedAt });
    const [seq, epoch] = (await this.lua.messageAppend(keys.length, ...keys, ...args)) as [number, string];
    return this.appended(envelope, epoch, seq);
  }

  /**
   * The keys and arguments of APPEND_FUNCTION for `entry` (APPEND_KEYS and APPEND_ARGS of them):
   * what a script that changes an order passes to append its message in the same step. The
   * tenant joins the prune's registry here (once per node), before its first message is written.
   */
  appendCall(entry: StoredMessage): { keys: string[]; args: Array<string | number> } {
    const { envelope, targets, publishedAt } = entry;
    const t = envelope.tenantId;
    this.register(t);
    const body: StoredMessage = { envelope: { ...envelope, cursor: undefined }, targets, publishedAt };
    // A message already past retention is indexed but not kept (it is gone for replay).
    const ttl = Math.max(0, publishedAt + this.opts.ttlMs - Date.now());
    const k = this.keys;
    const sealed = this.sealer.seal(JSON.stringify(body));
    return {
      keys: [
        k.logSeq(t),
        k.logEpoch(t),
        k.message(t, envelope.id),
        k.log(t),
        k.floor(t),
        k.logSizes(t),
        k.logBytes(t),
      ],
      args: [
        sealed,
        ttl,
        envelope.id,
        epochCandidate(),
        sealed.length,
        this.opts.retentionMax,
        this.opts.retentionMaxBytes,
        k.message(t, ''),
      ],
    };
  }

  /** Joins the tenant to the prune's registry; not awaited (a miss only leaves its trim to its bounds). */
  private register(tenantId: string): void {
    if (!this.tenants.has(tenantId)) void this.tenants.admit(tenantId).catch(() => undefined);
  }

  /** Sets the cursor of a message APPEND_FUNCTION stored as `seq` in `epoch`, and returns it. */
  appended(envelope: Envelope<DurableType>, epoch: string, seq: number): string {
    const cursor = formatCursor(epoch, seq);
    envelope.cursor = cursor;
    return cursor;
  }

  async readAfter(cursor: string, reader: ReplayReader, limit: number): Promise<ReplayResult> {
    const parsed = parseCursor(cursor);
    // A platform admin's cursor is one tenant's: it cannot say what came since in the others.
    if (!parsed || reader.tenantId === ALL_TENANTS) return { messages: [], recovered: false };
    const t = reader.tenantId;
    const [epoch, head, floor] = await this.redis.mget(
      this.keys.logEpoch(t),
      this.keys.logSeq(t),
      this.keys.floor(t),
    );
    if (parsed.epoch !== epoch || parsed.seq > Number(head ?? 0)) return { messages: [], recovered: false };
    let recovered = parsed.seq >= Number(floor ?? 0);
    const rooms = new Set(reader.rooms);
    const messages: StoredMessage[] = [];
    const log = this.keys.log(t);
    let from = `(${parsed.seq}`;
    for (;;) {
      const page = await this.redis.zrangebyscore(log, from, '+inf', 'WITHSCORES', 'LIMIT', 0, PAGE);
      if (page.length === 0) break;
      const ids: string[] = [];
      const seqs: number[] = [];
      for (let i = 0; i < page.length; i += 2) {
        ids.push(page[i]!);
        seqs.push(Number(page[i + 1]));
      }
      const bodies = await this.redis.mget(ids.map((id) => this.keys.message(t, id)));
      for (let i = 0; i < ids.length; i++) {
        const raw = bodies[i];
        if (raw === null) {
          recovered = false; // expired before a prune removed it from the index
          continue;
        }
        const stored = this.open(raw!);
        const targeted = stored.targets[reader.role];
        if (!targeted || !targeted.some((room) => rooms.has(room))) continue;
        if (messages.length === limit) return { messages, recovered: false };
        stored.envelope.cursor = formatCursor(epoch!, seqs[i]!);
        messages.push(stored);
      }
      if (ids.length < PAGE) break;
      from = `(${seqs[seqs.length - 1]}`;
    }
    return { messages, recovered };
  }

  async head(tenantId: string): Promise<string | undefined> {
    if (tenantId === ALL_TENANTS) return undefined;
    const k = this.keys;
    let [epoch, seq] = await this.redis.mget(k.logEpoch(tenantId), k.logSeq(tenantId));
    if (!epoch) {
      await this.redis.set(k.logEpoch(tenantId), epochCandidate(), 'NX');
      [epoch, seq] = await this.redis.mget(k.logEpoch(tenantId), k.logSeq(tenantId));
    }
    return formatCursor(epoch!, Number(seq ?? 0));
  }

  async readRange(
    tenantId: string,
    epoch: string,
    from: number,
    to: number,
    limit: number,
  ): Promise<StoredMessage[]> {
    const [[, current], [, page]] = (await this.redis
      .multi()
      .get(this.keys.logEpoch(tenantId))
      .zrangebyscore(this.keys.log(tenantId), from, to, 'WITHSCORES', 'LIMIT', 0, limit)
      .exec()) as [[unknown, string | null], [unknown, string[]]];
    if (current !== epoch || page.length === 0) return [];
    const ids = page.filter((_, i) => i % 2 === 0);
    const bodies = await this.redis.mget(ids.map((id) => this.keys.message(tenantId, id)));
    const out: StoredMessage[] = [];
    for (let i = 0; i < ids.length; i++) {
      const raw = bodies[i];
      if (raw === null) continue; // expired: gone for everyone
      const stored = this.open(raw!);
      stored.envelope.cursor = formatCursor(epoch, Number(page[i * 2 + 1]));
      out.push(stored);
    }
    return out;
  }

  async get(tenantId: string, messageId: string): Promise<StoredMessage | undefined> {
    const [[, raw], [, score], [, epoch]] = (await this.redis
      .multi()
      .get(this.keys.message(tenantId, messageId))
      .zscore(this.keys.log(tenantId), messageId)
      .get(this.keys.logEpoch(tenantId))
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
    await this.deadLetters.prune(now);
    // Messages expire by their own TTL; this trims each log's index of what has expired, oldest
    // first, a page of tenants at a time.
    let dropped = 0;
    for await (const tenants of this.tenants.pages(500))
      for (const tenantId of tenants) dropped += await this.trim(tenantId);
    return dropped;
  }

  addDeadLetter(letter: DeadLetter): Promise<void> {
    return this.deadLetters.add(letter);
  }

  listDeadLetters(tenantId: string, limit: number, before?: string): Promise<DeadLetter[]> {
    return this.deadLetters.list(tenantId, limit, before);
  }

  takeDeadLetter(tenantId: string, messageId: string): Promise<DeadLetter | undefined> {
    return this.deadLetters.take(tenantId, messageId);
  }

  countDeadLetters(tenantId: string): Promise<number> {
    return this.deadLetters.count(tenantId);
  }

  private async trim(tenantId: string): Promise<number> {
    const log = this.keys.log(tenantId);
    let dropped = 0;
    for (;;) {
      const page = await this.redis.zrange(log, '0', '199', 'WITHSCORES');
      if (page.length === 0) return dropped;
      const ids = page.filter((_, i) => i % 2 === 0);
      const exists = await this.redis.mget(ids.map((id) => this.keys.message(tenantId, id)));
      const gone = exists.findIndex((raw) => raw !== null);
      const n = gone === -1 ? ids.length : gone;
      if (n === 0) return dropped;
      const floorSeq = page[(n - 1) * 2 + 1];
      const k = this.keys;
      await this.lua.trimLog(
        4,
        log,
        k.floor(tenantId),
        k.logSizes(tenantId),
        k.logBytes(tenantId),
        floorSeq!,
        ...ids.slice(0, n),
      );
      dropped += n;
      if (n < ids.length) return dropped;
    }
  }
}

const scriptsOf = (redis: RedisClient) => bindScripts(redis, { messageAppend: APPEND, trimLog: TRIM });
