import type { CommandType } from '@orderwire/contracts/protocol';
import type { OrderwireError } from './orderwire-error.js';
import { type KeyValueStorage, MemoryStorage } from './storage.js';

export interface OutboxItem {
  requestId: string;
  command: CommandType;
  data: Record<string, unknown>;
  queuedAt: number;
}

export function newRequestId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return c?.randomUUID
    ? c.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * Commands sent while there was no open connection, in order, kept in the storage (so that a
 * reloaded page still sends them, with their requestIds: one effect each).
 */
export class Outbox {
  private items: OutboxItem[];

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly key: string,
  ) {
    this.items = this.load();
  }

  get length(): number {
    return this.items.length;
  }

  first(): OutboxItem | undefined {
    return this.items[0];
  }

  push(item: OutboxItem): void {
    this.items.push(item);
    this.save();
  }

  /** Back at the head: it was sent, and the connection dropped before the reply. */
  putBack(item: OutboxItem): void {
    if (this.items.includes(item)) return;
    this.items.unshift(item);
    this.save();
  }

  shift(): void {
    this.items.shift();
    this.save();
  }

  private load(): OutboxItem[] {
    try {
      const raw = this.storage.getItem(this.key);
      return raw ? (JSON.parse(raw) as OutboxItem[]) : [];
    } catch {
      return [];
    }
  }

  private save(): void {
    if (this.storage instanceof MemoryStorage && this.items.length === 0) return;
    this.storage.setItem(this.key, JSON.stringify(this.items));
  }
}

interface Pending {
  resolve: (data: unknown) => void;
  reject: (err: OrderwireError) => void;
}

/** The promises `send` returned, by requestId, until their reply (or their end) settles them. */
export class PendingReplies {
  private readonly pending = new Map<string, Pending>();

  add(requestId: string, resolve: (data: unknown) => void, reject: (err: OrderwireError) => void): void {
    this.pending.set(requestId, { resolve, reject });
  }

  /** Drops it unsettled (the caller rejects it itself). */
  delete(requestId: string): void {
    this.pending.delete(requestId);
  }

  settle(requestId: string, error?: OrderwireError, data?: unknown): void {
    const p = this.pending.get(requestId);
    if (!p) return; // from a previous page load: its effect shows in the events
    this.pending.delete(requestId);
    if (error) p.reject(error);
    else p.resolve(data);
  }

  rejectAll(error: OrderwireError): void {
    for (const [, p] of this.pending) p.reject(error);
    this.pending.clear();
  }
}
