import { randomBytes } from 'node:crypto';
import type { DurableType, Envelope } from '@orderwire/contracts';
import { ALL_TENANTS } from '@orderwire/contracts';
import { formatCursor, parseCursor } from '../cursor.js';
import { keepJson } from '../../util/encoded-json.js';
import type {
  DeadLetter,
  MessageStore,
  MessageStoreBounds,
  ReplayReader,
  ReplayResult,
  StoredMessage,
  Targets,
} from '../message-store.js';

interface Entry extends StoredMessage {
  seq: number;
  /** Length of the envelope's JSON: what the log's byte bound counts. */
  size: number;
  log: TenantLog;
}

/** One tenant's log: its own epoch and seqs (cursors are per tenant), its entries in seq order. */
class TenantLog {
  readonly epoch = randomBytes(6).toString('base64url');
  entries: Entry[] = [];
  /** Index of the oldest retained entry in `entries` (the array is compacted lazily). */
  start = 0;
  nextSeq = 1;
  /** Every seq up to this one may have been dropped. */
  droppedUpTo = 0;

  get size(): number {
    return this.entries.length - this.start;
  }

  /** Drops the oldest entry (the one the store's queue says is oldest of all tenants). */
  dropOldest(): void {
    this.droppedUpTo = this.entries[this.start]!.seq;
    this.start++;
    if (this.start > 1024 && this.start * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
  }

  /** Binary search: the index of the first retained entry with a seq above `seq`. */
  firstIndexAfter(seq: number): number {
    let lo = this.start;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The message log of one process: a log per tenant (its seqs and epoch, as on the redis
 * engine), and every tenant's entries in one queue in publish order, trimmed by age, count and
 * bytes (MESSAGE_RETENTION_MAX[_BYTES] count every tenant here: one node's memory); and the dead
 * letters, trimmed by age, per tenant and in all. A tenant's log goes when its last entry does.
 */
export class MemoryMessageStore implements MessageStore {
  private readonly logs = new Map<string, TenantLog>();
  /** Every retained entry, oldest first (compacted lazily from `start`). */
  private queue: Entry[] = [];
  private start = 0;
  private readonly byId = new Map<string, Entry>();
  /** Bytes of the retained entries. */
  private bytes = 0;
  /** Every dead letter, oldest first (insertion order), and the same per tenant. */
  private readonly deadLetters = new Map<string, DeadLetter>();
  private readonly deadLettersByTenant = new Map<string, Map<string, DeadLetter>>();

  constructor(private readonly opts: MessageStoreBounds) {}

  append(envelope: Envelope<DurableType>, targets: Targets, publishedAt: number): Promise<string> {
    return Promise.resolve(this.appendNow({ envelope, targets, publishedAt }));
  }

  /** append(), synchronously: what the order store calls within its own step. */
  appendNow({ envelope, targets, publishedAt }: StoredMessage): string {
    let log = this.logs.get(envelope.tenantId);
    if (!log) this.logs.set(envelope.tenantId, (log = new TenantLog()));
    const seq = log.nextSeq++;
    const cursor = formatCursor(log.epoch, seq);
    envelope.cursor = cursor;
    // Its JSON, measured for the byte bound, is kept for the sockets' encoder (util/encoded-json).
    const entry: Entry = { envelope, targets, publishedAt, seq, size: keepJson(envelope).length, log };
    log.entries.push(entry);
    this.queue.push(entry);
    this.byId.set(envelope.id, entry);
    this.bytes += entry.size;
    // The newest message is always kept.
    while (
      (this.queue.length - this.start > this.opts.retentionMax || this.bytes > this.opts.retentionMaxBytes) &&
      this.queue.length - this.start > 1
    )
      this.dropOldest();
    return cursor;
  }

  readAfter(cursor: string, reader: ReplayReader, limit: number): Promise<ReplayResult> {
    this.pruneSync(Date.now());
    const parsed = parseCursor(cursor);
    // A platform admin's cursor is one tenant's: it cannot say what came since in the others.
    const log = reader.tenantId === ALL_TENANTS ? undefined : this.logs.get(reader.tenantId);
    if (!parsed || !log || parsed.epoch !== log.epoch || parsed.seq >= log.nextSeq) {
      return Promise.resolve({ messages: [], recovered: false });
    }
    let recovered = parsed.seq >= log.droppedUpTo;
    const rooms = new Set(reader.rooms);
    const messages: StoredMessage[] = [];
    for (let i = log.firstIndexAfter(parsed.seq); i < log.entries.length; i++) {
      const entry = log.entries[i]!;
      const targeted = entry.targets[reader.role];
      if (!targeted || !targeted.some((room) => rooms.has(room))) continue;
      if (messages.length === limit) {
        recovered = false;
        break;
      }
      messages.push(entry);
    }
    return Promise.resolve({ messages, recovered });
  }

  head(tenantId: string): Promise<string | undefined> {
    if (tenantId === ALL_TENANTS) return Promise.resolve(undefined);
    let log = this.logs.get(tenantId);
    if (!log) this.logs.set(tenantId, (log = new TenantLog()));
    return Promise.resolve(formatCursor(log.epoch, log.nextSeq - 1));
  }

  readRange(
    tenantId: string,
    epoch: string,
    from: number,
    to: number,
    limit: number,
  ): Promise<StoredMessage[]> {
    const out: StoredMessage[] = [];
    const log = this.logs.get(tenantId);
    if (!log || epoch !== log.epoch) return Promise.resolve(out);
    for (let i = log.firstIndexAfter(from - 1); i < log.entries.length && out.length < limit; i++) {
      if (log.entries[i]!.seq > to) break;
      out.push(log.entries[i]!);
    }
    return Promise.resolve(out);
  }

  get(tenantId: string, messageId: string): Promise<StoredMessage | undefined> {
    const entry = this.byId.get(messageId);
    return Promise.resolve(entry?.envelope.tenantId === tenantId ? entry : undefined);
  }

  prune(now: number): Promise<number> {
    this.pruneDeadLetters(now);
    return Promise.resolve(this.pruneSync(now));
  }

  addDeadLetter(letter: DeadLetter): Promise<void> {
    this.removeDeadLetter(letter.messageId);
    this.deadLetters.set(letter.messageId, letter);
    let tenant = this.deadLettersByTenant.get(letter.tenantId);
    if (!tenant) this.deadLettersByTenant.set(letter.tenantId, (tenant = new Map()));
    tenant.set(letter.messageId, letter);
    const { perTenant, max } = this.opts.deadLetters;
    while (tenant.size > perTenant) this.removeDeadLetter(tenant.keys().next().value!);
    while (this.deadLetters.size > max) this.removeDeadLetter(this.deadLetters.keys().next().value!);
    return Promise.resolve();
  }

  listDeadLetters(tenantId: string, limit: number, before?: string): Promise<DeadLetter[]> {
    const out = [...this.deadLetters.values()]
      .filter(
        (l) => (tenantId === ALL_TENANTS || l.tenantId === tenantId) && (!before || l.messageId < before),
      )
      .sort((a, b) => (a.messageId < b.messageId ? 1 : -1));
    return Promise.resolve(out.slice(0, limit));
  }

  takeDeadLetter(tenantId: string, messageId: string): Promise<DeadLetter | undefined> {
    const letter = this.deadLetters.get(messageId);
    if (!letter || (tenantId !== ALL_TENANTS && letter.tenantId !== tenantId))
      return Promise.resolve(undefined);
    this.removeDeadLetter(messageId);
    return Promise.resolve(letter);
  }

  countDeadLetters(tenantId: string): Promise<number> {
    if (tenantId === ALL_TENANTS) return Promise.resolve(this.deadLetters.size);
    return Promise.resolve(this.deadLettersByTenant.get(tenantId)?.size ?? 0);
  }

  private removeDeadLetter(messageId: string): void {
    const letter = this.deadLetters.get(messageId);
    if (!letter) return;
    this.deadLetters.delete(messageId);
    const tenant = this.deadLettersByTenant.get(letter.tenantId);
    tenant?.delete(messageId);
    if (tenant?.size === 0) this.deadLettersByTenant.delete(letter.tenantId);
  }

  /** Letters are kept in the order they were added, so the expired ones are at the front. */
  private pruneDeadLetters(now: number): void {
    const oldest = now - this.opts.deadLetters.ttlMs;
    for (const [id, letter] of this.deadLetters) {
      if (Date.parse(letter.at) >= oldest) break;
      this.removeDeadLetter(id);
    }
  }

  private pruneSync(now: number): number {
    const oldest = now - this.opts.ttlMs;
    let n = 0;
    while (this.start < this.queue.length && this.queue[this.start]!.publishedAt < oldest) {
      this.dropOldest();
      n++;
    }
    return n;
  }

  /** Drops the oldest entry of all tenants (the oldest of its tenant's log). */
  private dropOldest(): void {
    const entry = this.queue[this.start++]!;
    this.byId.delete(entry.envelope.id);
    this.bytes -= entry.size;
    entry.log.dropOldest();
    if (entry.log.size === 0) this.logs.delete(entry.envelope.tenantId);
    if (this.start > 1024 && this.start * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.start);
      this.start = 0;
    }
  }
}
