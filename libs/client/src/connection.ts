import type { Envelope, ErrorCode } from '@orderwire/contracts/protocol';
import { DEFAULT_WS_PATH, NAMESPACES } from '@orderwire/contracts/protocol';
import { io, type Socket } from 'socket.io-client';
import { Backoff } from './backoff.js';
import type {
  ConnectionStatus,
  GlobalWebSocketManagerOptions,
  ManagerSettings,
  OfflineInfo,
} from './manager-options.js';
import { OrderwireError } from './orderwire-error.js';
import { afterRefusal, offlineAfterAttempts } from './refusals.js';
import type { TokenSource } from './token.js';

/** What the connection tells its manager, and asks of it. */
export interface ConnectionOwner {
  status(): ConnectionStatus;
  setStatus(status: 'connecting' | 'reconnecting'): void;
  /** Give up until `connect()`: the hub refused in a way retrying cannot fix, or attempts ran out. */
  offline(why: OfflineInfo): void;
  /** The transport dropped (the heartbeat stops). */
  lost(): void;
  message(type: string, envelope: Envelope, ack?: () => void): void;
  /** The handshake's `auth`: token and cursor, asked for at every attempt. */
  auth(): Promise<object>;
  log(...args: unknown[]): void;
}

/**
 * The Socket.IO socket of a manager and its reconnection: a socket per start on a Manager of its
 * own (the reconnection budget, a restart and an engine close concern this manager alone, never
 * another role's socket on the same origin), WebSocket first and long-polling when it cannot
 * connect; Socket.IO's own retries after a transport failure, and ours, with the same backoff and
 * attempt budget, after a refusal or a server-side close. A dropped socket's late events are
 * ignored.
 */
export class Connection {
  socket?: Socket;
  /** The last refusal the hub sent with a code, until a connection is accepted. */
  lastRefusal?: OrderwireError;
  readonly backoff: Backoff;
  private retryTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly options: GlobalWebSocketManagerOptions,
    private readonly settings: ManagerSettings,
    private readonly tokens: TokenSource,
    private readonly owner: ConnectionOwner,
  ) {
    const { minMs, maxMs, jitter } = settings.backoff;
    this.backoff = new Backoff(minMs, maxMs, jitter);
  }

  /** A new socket; whatever came before is let go. */
  open(status: 'connecting' | 'reconnecting'): void {
    this.drop();
    this.backoff.reset();
    this.lastRefusal = undefined;
    if (status === 'reconnecting') this.tokens.drop(); // a fresh one
    this.owner.setStatus(status);
    const { options } = this;
    this.socket = io(`${options.url.replace(/\/$/, '')}${NAMESPACES[options.userType]}`, {
      forceNew: true,
      path: options.path ?? DEFAULT_WS_PATH,
      transports: options.transports ?? ['websocket', 'polling'],
      tryAllTransports: true,
      reconnection: true,
      reconnectionAttempts: this.settings.reconnectAttempts,
      reconnectionDelay: this.backoff.minMs,
      reconnectionDelayMax: this.backoff.maxMs,
      randomizationFactor: this.backoff.jitter,
      auth: (cb: (data: object) => void) => {
        void this.owner.auth().then(cb, () => cb({}));
      },
    });
    this.bind(this.socket);
  }

  /** Lets go of the current socket and its Manager. */
  drop(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.disconnect();
  }

  /** Reconnects after a refusal or a server-side close, with the same backoff and attempt budget. */
  retryLater(delay?: number): void {
    if (this.owner.status() === 'closed') return;
    if (this.backoff.attempts >= this.settings.reconnectAttempts)
      return this.owner.offline(offlineAfterAttempts(this.lastRefusal));
    this.owner.setStatus('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.socket?.connect(), delay ?? this.backoff.next());
  }

  cancelRetry(): void {
    clearTimeout(this.retryTimer);
  }

  /** Every handler first checks that its socket is still the current one: a dropped socket is mute. */
  private bind(socket: Socket): void {
    const { owner } = this;
    const current = (): boolean => socket === this.socket;
    socket.on('connect', () => {
      if (!current()) return;
      this.backoff.reset();
      this.lastRefusal = undefined;
      owner.log('connected over', socket.io.engine?.transport?.name);
    });
    socket.on('disconnect', (reason) => {
      if (!current()) return;
      owner.log('disconnected:', reason);
      owner.lost();
      if (owner.status() === 'closed') return;
      // The hub closing the socket on purpose (expiry, admin, drain) does not auto-reconnect.
      if (reason === 'io server disconnect') this.retryLater();
      else owner.setStatus('reconnecting');
    });
    socket.on('connect_error', (err: Error & { data?: { code?: ErrorCode; message?: string } }) => {
      if (!current()) return;
      const code = err.data?.code;
      owner.log('connect_error', code ?? err.message);
      if (!code) {
        if (owner.status() === 'open') owner.setStatus('reconnecting');
        return; // a transport failure: Socket.IO's manager retries by itself
      }
      this.lastRefusal = new OrderwireError(code, err.data?.message ?? err.message);
      const next = afterRefusal(code, this.lastRefusal.message, this.tokens.renewable);
      if (next === 'renew') this.tokens.drop(); // fetch a fresh one for the next attempt
      if (typeof next === 'string') this.retryLater();
      else owner.offline(next);
    });
    socket.io.on('reconnect_attempt', () => current() && owner.setStatus('reconnecting'));
    socket.io.on('reconnect_failed', () => current() && owner.offline({ reason: 'attempts_exhausted' }));
    socket.onAny((type: string, ...args: unknown[]) => {
      if (!current()) return;
      const last = args[args.length - 1];
      owner.message(type, args[0] as Envelope, typeof last === 'function' ? (last as () => void) : undefined);
    });
  }
}
