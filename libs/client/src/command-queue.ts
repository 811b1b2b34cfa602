import type { AckReply, CommandType } from '@orderwire/contracts/protocol';
import type { Socket } from 'socket.io-client';
import type { ConnectionStatus } from './manager-options.js';
import { OrderwireError } from './orderwire-error.js';
import { newRequestId, Outbox, type OutboxItem, PendingReplies } from './outbox.js';
import type { KeyValueStorage } from './storage.js';

/**
 * Commands that make sense only on the connection they were sent on: never put in the outbox. Sent
 * while that connection is still being made, they wait for it in memory (at most EARLY_MAX).
 */
const UNQUEUED: ReadonlySet<string> = new Set(['heartbeat', 'auth.refresh']);
const EARLY_MAX = 16;

/** What the queue needs of the manager's connection. */
export interface CommandLink {
  socket(): Socket | undefined;
  status(): ConnectionStatus;
  log(...args: unknown[]): void;
}

/**
 * The commands `send` was given: sent at once on an open connection with nothing queued before
 * them, else kept in the outbox (with their requestId) and sent in order once the connection is
 * open (`flush`); a command whose connection drops before its reply goes back to the head.
 */
export class CommandQueue {
  private readonly outbox: Outbox;
  private readonly pending = new PendingReplies();
  /**
   * Unqueued commands sent while the connection is being made (a `heartbeat` right after
   * `connect()`): in memory only, sent first once it is open. Bounded like the outbox's head.
   */
  private early: OutboxItem[] = [];
  private flushing = false;

  constructor(
    storage: KeyValueStorage,
    key: string,
    private readonly link: CommandLink,
    private readonly timeoutMs: number,
  ) {
    this.outbox = new Outbox(storage, key);
  }

  get queued(): number {
    return this.outbox.length;
  }

  send(command: CommandType, data: Record<string, unknown>): Promise<unknown> {
    const requestId = typeof data.requestId === 'string' ? data.requestId : newRequestId();
    const item: OutboxItem = { requestId, command, data: { ...data, requestId }, queuedAt: Date.now() };
    const status = this.link.status();
    return new Promise<unknown>((resolve, reject) => {
      this.pending.add(requestId, resolve, reject);
      if (UNQUEUED.has(command)) {
        if (status === 'open') void this.dispatch(item, false);
        else if ((status === 'connecting' || status === 'reconnecting') && this.early.length < EARLY_MAX)
          this.early.push(item);
        else
          this.pending.settle(requestId, new OrderwireError('CLOSED', `${command} needs an open connection`));
      } else if (status === 'open' && !this.flushing && this.outbox.length === 0) {
        void this.dispatch(item);
      } else {
        if (status === 'closed') {
          this.pending.delete(requestId);
          reject(new OrderwireError('CLOSED', 'connect() first'));
          return;
        }
        this.outbox.push(item);
        this.link.log('queued', command, requestId);
      }
    });
  }

  /** Sends what waits in the outbox, in order, while the connection stays open. */
  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      const early = this.early;
      this.early = [];
      for (const item of early) void this.dispatch(item, false);
      for (
        let item = this.outbox.first();
        item && this.link.status() === 'open';
        item = this.outbox.first()
      ) {
        const sent = await this.dispatch(item);
        if (!sent) return; // dropped again: keep it for the next connection
        this.outbox.shift();
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Every promise `send` returned that is still waiting: the manager was closed. */
  rejectAll(error: OrderwireError): void {
    this.early = [];
    this.pending.rejectAll(error);
  }

  /** The connection gave up (offline): what waited for it to open is refused, not kept. */
  dropEarly(): void {
    for (const item of this.early)
      this.pending.settle(
        item.requestId,
        new OrderwireError('CLOSED', `${item.command} needs an open connection`),
      );
    this.early = [];
  }

  /** Sends one command; false if the connection dropped before the reply (it stays queued). */
  private async dispatch(item: OutboxItem, queueOnDrop = true): Promise<boolean> {
    const socket = this.link.socket();
    if (!socket) return false;
    let reply: AckReply;
    try {
      reply = (await socket.timeout(this.timeoutMs).emitWithAck(item.command, item.data)) as AckReply;
    } catch {
      if (!socket.connected && queueOnDrop) {
        this.outbox.putBack(item);
        return false;
      }
      this.pending.settle(item.requestId, new OrderwireError('TIMEOUT', `${item.command}: no reply in time`));
      return true;
    }
    if (reply.ok) this.pending.settle(item.requestId, undefined, reply.data);
    else
      this.pending.settle(
        item.requestId,
        new OrderwireError(reply.error.code, reply.error.message, reply.error.details),
      );
    return true;
  }
}
