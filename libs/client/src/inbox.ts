import type { Envelope, ServerEventType, WelcomeData } from '@orderwire/contracts/protocol';
import type { CumulativeAcker } from './cumulative-ack.js';
import { RecentIds } from './recent-ids.js';
import type { KeyValueStorage } from './storage.js';

export type Handler<T extends ServerEventType> = (envelope: Envelope<T>) => void | Promise<void>;
export type AnyHandler = (envelope: Envelope) => void | Promise<void>;

/** What the manager does at two moments of a connection's messages. */
export interface InboxHooks {
  /** `system.welcome`, before its handlers run. */
  welcomed(welcome: WelcomeData): void;
  /** `order.board` handled and acknowledged: the session is ready. */
  ready(): void;
  log(...args: unknown[]): void;
}

/**
 * What the hub sends, one message at a time in arrival order: duplicates (by id, within the
 * dedupe window) are acknowledged and dropped; the handlers run; a durable message is
 * acknowledged, and its cursor kept, only once every handler succeeded (otherwise the hub sends it
 * again and the copy is handled).
 */
export class Inbox {
  private readonly handlers = new Map<string, Set<AnyHandler>>();
  private readonly anyHandlers = new Set<AnyHandler>();
  private readonly recent: RecentIds;
  private processing: Promise<void> = Promise.resolve();
  /** Set while this connection acknowledges cumulatively (the welcome granted it). */
  private cumulative?: CumulativeAcker;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly cursorKey: string,
    dedupeWindow: number,
    private readonly hooks: InboxHooks,
  ) {
    this.recent = new RecentIds(dedupeWindow);
  }

  /** The last cursor processed, as sent in `auth.cursor`. */
  get cursor(): string | undefined {
    return this.storage.getItem(this.cursorKey) ?? undefined;
  }

  /** A first cursor (the welcome's head), where none is kept yet. */
  startAt(cursor: string | undefined): void {
    if (cursor && !this.cursor) this.storage.setItem(this.cursorKey, cursor);
  }

  on<T extends ServerEventType>(type: T, handler: Handler<T>): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler as AnyHandler);
    return () => set.delete(handler as AnyHandler);
  }

  onAny(handler: AnyHandler): () => void {
    this.anyHandlers.add(handler);
    return () => this.anyHandlers.delete(handler);
  }

  /** From the next message on, durable messages are acknowledged through `acker` (or each, if undefined). */
  acknowledgeWith(acker: CumulativeAcker | undefined): void {
    this.cumulative = acker;
  }

  /** Queues a message behind the ones before it. */
  push(type: string, envelope: Envelope, ack?: () => void): void {
    this.processing = this.processing.then(() => this.receive(type, envelope, ack));
  }

  private async receive(type: string, envelope: Envelope, ack?: () => void): Promise<void> {
    if (!envelope || typeof envelope.id !== 'string') return;
    if (this.recent.seen(envelope.id)) {
      this.acknowledge(envelope, ack);
      return;
    }
    if (type === 'system.welcome') this.hooks.welcomed(envelope.data as WelcomeData);
    if (type === 'system.shutdown') this.hooks.log('the hub is draining; reconnecting');
    const handlers = [...(this.handlers.get(type) ?? []), ...this.anyHandlers];
    // async: a handler that throws (not only one that rejects) fails this message, not the inbox.
    const results = await Promise.allSettled(handlers.map(async (h) => h(envelope)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      // Not acknowledged: the hub delivers it again. Forget the id so that the copy is handled.
      this.hooks.log('a handler failed', type, (failed as PromiseRejectedResult).reason);
      this.recent.forget(envelope.id);
      if (envelope.cursor && !ack) this.cumulative?.failed(envelope.cursor);
      return;
    }
    if (envelope.cursor) this.storage.setItem(this.cursorKey, envelope.cursor);
    this.acknowledge(envelope, ack);
    if (type === 'order.board') this.hooks.ready();
  }

  /** Its Socket.IO ack if it came with one (protocol 1), else into the next cumulative `ack`. */
  private acknowledge(envelope: Envelope, ack: (() => void) | undefined): void {
    if (ack) ack();
    else if (envelope.cursor && envelope.requiresAck) this.cumulative?.processed(envelope.cursor);
  }
}
