import type { CommandData } from '@orderwire/contracts';
import { cursorSeq } from '@orderwire/contracts/protocol';
import { io, type Socket } from 'socket.io-client';
import type { TestHub } from './hub.js';
import { type Role, tokenFor } from './tokens.js';

export interface Envelope {
  id: string;
  type: string;
  data: Record<string, unknown> & { code?: string };
  timestamp: string;
  sender: { id: string; type: string };
  tenantId: string;
  cursor?: string;
  requiresAck?: boolean;
}

export interface Reply {
  ok: boolean;
  data?: Record<string, unknown> & { [k: string]: unknown };
  error?: { code: string; message: string; details?: Record<string, unknown> & { retryAfterMs?: number } };
}

export interface ClientOptions {
  token?: string;
  tenantId?: string;
  extraClaims?: Record<string, unknown>;
  cursor?: string;
  /** Acknowledge durable messages (default true). */
  autoAck?: boolean;
  transports?: Array<'websocket' | 'polling'>;
  extraHeaders?: Record<string, string>;
  query?: Record<string, string>;
  /** How long `connect` waits for `order.board` (after a replay, which may be long). Default 5 s. */
  boardTimeoutMs?: number;
  /** False: `connect` resolves once connected, without waiting for `order.board`. */
  awaitBoard?: boolean;
  /** Protocol 1.1: ask for cumulative acks (`auth.acks`); auto-acks then go as one `ack` per turn. */
  acks?: 'cumulative';
}

type Waiter = { type: string; pred: (e: Envelope) => boolean; resolve: (e: Envelope) => void };

/** A real socket.io-client that records every envelope it receives, in order. */
export class TestClient {
  readonly received: Envelope[] = [];
  autoAck: boolean;
  /** Durable messages that came with a Socket.IO ack callback (protocol 1) and without (1.1). */
  readonly ackForms = { callback: 0, none: 0 };
  /** Cumulative auto-acks: cursors (by their seq) whose ack is refused, as a failed handler would. */
  failCursor: (cursor: string) => boolean = () => false;
  private highest?: string;
  private readonly gaps = new Set<string>();
  private ackScheduled = false;
  private waiters: Waiter[] = [];
  private disconnectReason?: string;

  constructor(readonly socket: Socket) {
    this.autoAck = true;
    socket.onAny((type: string, envelope: Envelope, ack?: () => void) => {
      this.received.push(envelope);
      if (envelope?.requiresAck) this.ackForms[typeof ack === 'function' ? 'callback' : 'none']++;
      if (typeof ack === 'function' && this.autoAck) ack();
      else if (envelope?.requiresAck && envelope.cursor && this.autoAck) this.ackLater(envelope.cursor);
      for (const w of [...this.waiters]) {
        if (w.type === type && w.pred(envelope)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(envelope);
        }
      }
    });
    socket.on('disconnect', (reason) => (this.disconnectReason = reason));
  }

  /** Protocol 1.1: into the next `ack` (one per turn), or into its gaps if `failCursor` says so. */
  private ackLater(cursor: string): void {
    if (this.failCursor(cursor)) {
      this.gaps.add(cursor);
      return;
    }
    this.gaps.delete(cursor);
    const seq = (c: string) => cursorSeq(c) ?? -1;
    if (this.highest === undefined || seq(cursor) > seq(this.highest)) this.highest = cursor;
    if (this.ackScheduled) return;
    this.ackScheduled = true;
    setImmediate(() => {
      this.ackScheduled = false;
      const top = this.highest!;
      const gaps = [...this.gaps].filter((g) => seq(g) <= seq(top));
      this.socket.emit('ack', { cursor: top, ...(gaps.length ? { gaps } : {}) });
    });
  }

  of(type: string): Envelope[] {
    return this.received.filter((e) => e.type === type);
  }

  /** The first envelope of `type` (already received, or the next to come) that matches. */
  waitFor(type: string, pred: (e: Envelope) => boolean = () => true, timeoutMs = 5000): Promise<Envelope> {
    const hit = this.received.find((e) => e.type === type && pred(e));
    if (hit) return Promise.resolve(hit);
    return this.next(type, pred, timeoutMs);
  }

  /** The next envelope of `type` to arrive from now on. */
  next(type: string, pred: (e: Envelope) => boolean = () => true, timeoutMs = 5000): Promise<Envelope> {
    return new Promise((resolve, reject) => {
      const w: Waiter = { type, pred, resolve };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timed out waiting for ${type}`));
      }, timeoutMs);
      w.resolve = (e) => {
        clearTimeout(timer);
        resolve(e);
      };
      this.waiters.push(w);
    });
  }

  /** Sends a command and resolves its ack reply. */
  cmd(event: string, data?: unknown, timeoutMs = 5000): Promise<Reply> {
    return this.socket.timeout(timeoutMs).emitWithAck(event, data) as Promise<Reply>;
  }

  async ok(event: string, data?: unknown): Promise<Record<string, unknown>> {
    const reply = await this.cmd(event, data);
    if (!reply.ok) throw new Error(`${event} failed: ${JSON.stringify(reply.error)}`);
    return reply.data ?? {};
  }

  waitDisconnect(timeoutMs = 5000): Promise<string> {
    if (!this.socket.connected && this.disconnectReason) return Promise.resolve(this.disconnectReason);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for disconnect')), timeoutMs);
      this.socket.once('disconnect', (reason) => {
        clearTimeout(timer);
        resolve(reason);
      });
    });
  }

  close(): void {
    this.socket.disconnect();
  }
}

function socketFor(hub: TestHub, role: Role, sub: string, opts: ClientOptions): Socket {
  const token = opts.token ?? tokenFor(role, sub, opts.tenantId ?? 'r-1', opts.extraClaims);
  const auth: Record<string, unknown> = {};
  if (token) auth.token = token;
  if (opts.cursor) auth.cursor = opts.cursor;
  if (opts.acks) auth.acks = opts.acks;
  return io(`${hub.url}/${role}`, {
    path: hub.config.ws.path,
    transports: opts.transports ?? ['websocket'],
    auth,
    reconnection: false,
    forceNew: true,
    extraHeaders: opts.extraHeaders,
    query: opts.query,
  });
}

/** Connects and resolves once `system.welcome` has arrived (and `order.board` after it). */
export async function connect(
  hub: TestHub,
  role: Role,
  sub: string,
  opts: ClientOptions = {},
): Promise<TestClient> {
  const client = new TestClient(socketFor(hub, role, sub, opts));
  if (opts.autoAck === false) client.autoAck = false;
  await new Promise<void>((resolve, reject) => {
    client.socket.once('connect_error', (err) => reject(err));
    client.socket.once('connect', () => resolve());
  });
  if (opts.awaitBoard !== false) await client.waitFor('order.board', () => true, opts.boardTimeoutMs);
  return client;
}

/** Tries to connect and resolves the `connect_error` payload (`err.data`) the hub refused with. */
export async function refused(
  hub: TestHub,
  role: Role,
  sub: string,
  opts: ClientOptions = {},
): Promise<{ code: string; message: string }> {
  const socket = socketFor(hub, role, sub, opts);
  try {
    return await new Promise((resolve, reject) => {
      socket.once('connect', () => reject(new Error('the handshake was accepted')));
      socket.once('connect_error', (err: Error & { data?: { code: string; message: string } }) =>
        err.data ? resolve(err.data) : reject(new Error(`connect_error without data: ${err.message}`)),
      );
    });
  } finally {
    socket.disconnect();
  }
}

/** A valid order.place, typed as the SDK's `send` takes it (`extra` may make it invalid on purpose). */
export const sampleOrder = (extra: Record<string, unknown> = {}): CommandData<'order.place'> =>
  ({
    items: [{ sku: 'burger', name: 'Burger', quantity: 2, unitPrice: 850 }],
    currency: 'EUR',
    fulfillment: 'delivery',
    deliveryAddress: { line1: '1 Main St', city: 'Lisbon' },
    ...extra,
  }) as CommandData<'order.place'>;
