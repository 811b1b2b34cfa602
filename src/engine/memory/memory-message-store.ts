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
}

/**
 * The message log of one process: an array in publish order, trimmed by age, count and bytes;
 * and the dead letters, trimmed by age, per tenant and in all.
 */
export class MemoryMessageStore implements MessageStore {
  private readonly epoch = randomBytes(6).toString('base64url');
  private entries: Entry[] = [];
  /** Index of the oldest retained entry in `entries` (the array is compacted lazily). */
  private start = 0;
  private nextSeq = 1;
  /** Every seq up to this one may have been dropped. */
  private droppedUpTo = 0;
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
    const seq = this.nextSeq++;
    const cursor = formatCursor(this.epoch, seq);
    envelope.cursor = cursor;
    // Its JSON, measured for the byte bound, is kept for the sockets' encoder (util/encoded-json).
    const entry: Entry = { envelope, targets, publishedAt, seq, size: keepJson(envelope).length };
    this.entries.push(entry);
    this.byId.set(envelope.id, entry);
    this.bytes += entry.size;
    let over = 0;
    while (
      this.entries.length - this.start - over > this.opts.retentionMax ||
      this.bytes > this.opts.retentionMaxBytes
    ) {
      if (this.start + over === this.entries.length - 1) break; // the newest message is always kept
      this.bytes -= this.entries[this.start + over].size;
      over++;
    }
    if (over > 0) this.dropOldest(over, false);
    return cursor;
  }

  readAfter(cursor: string, reader: ReplayReader, limit: number): Promise<ReplayResult> {
    this.pruneSync(Date.now());
    const parsed = parseCursor(cursor);
    if (!parsed || parsed.epoch !== this.epoch || parsed.seq >= this.nextSeq) {
      return Promise.resolve({ messages: [], recovered: false });
    }
    let recovered = parsed.seq >= this.droppedUpTo;
    const rooms = new Set(reader.rooms);
    const messages: StoredMessage[] = [];
    for (let i = this.firstIndexAfter(parsed.seq); i < this.entries.length; i++) {
      const entry = this.entries[i];
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

  head(): Promise<string> {
    return Promise.resolve(formatCursor(this.epoch, this.nextSeq - 1));
  }

  readRange(epoch: string, from: number, to: number, limit: number): Promise<StoredMessage[]> {
    const out: StoredMessage[] = [];
    if (epoch !== this.epoch) return Promise.resolve(out);
    for (let i = this.firstIndexAfter(from - 1); i < this.entries.length && out.length < limit; i++) {
      if (this.entries[i].seq > to) break;
      out.push(this.entries[i]);
    }
    return Promise.resolve(out);
  }

  get(messageId: string): Promise<StoredMessage | undefined> {
    return Promise.resolve(this.byId.get(messageId));
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
    while (this.start + n < this.entries.length && this.entries[this.start + n].publishedAt < oldest) n++;
    if (n > 0) this.dropOldest(n);
    return n;
  }

  private dropOldest(n: number, countBytes = true): void {
    for (let i = this.start; i < this.start + n; i++) {
      const entry = this.entries[i];
      this.byId.delete(entry.envelope.id);
      if (countBytes) this.bytes -= entry.size;
      this.droppedUpTo = entry.seq;
    }
    this.start += n;
    if (this.start > 1024 && this.start * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
  }

  /** Binary search: the index of the first retained entry with a seq above `seq`. */
  private firstIndexAfter(seq: number): number {
    let lo = this.start;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid].seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
