import type {
  AckReply,
  CommandData,
  CommandReply,
  CommandType,
  Envelope,
  ErrorCode,
  Role,
  ServerEventMap,
  ServerEventType,
  WelcomeData,
} from '@orderwire/contracts/protocol';
import { DEFAULT_WS_PATH, NAMESPACES } from '@orderwire/contracts/protocol';
import { io, type Socket } from 'socket.io-client';
import { Backoff } from './backoff.js';
import { watchLifecycle } from './lifecycle.js';
import { OrderwireError } from './orderwire-error.js';
import { RecentIds } from './recent-ids.js';
import { defaultStorage, type KeyValueStorage, MemoryStorage } from './storage.js';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed';

/**
 * Why the manager went `offline`:
 * - `attempts_exhausted`: the hub could not be reached (or stayed busy) for `reconnectAttempts`;
 * - `token_refused`: the hub refused the token (`UNAUTHORIZED`, `TOKEN_EXPIRED`), and `getToken`
 *   could not fetch one it accepts within the attempts;
 * - `forbidden`: the token is valid, but not for this namespace or tenant (`FORBIDDEN`);
 * - `refused`: another refusal that retrying the same way cannot fix.
 */
export type OfflineReason = 'attempts_exhausted' | 'token_refused' | 'forbidden' | 'refused';

export interface OfflineInfo {
  reason: OfflineReason;
  /** The protocol code of the last refusal, when the hub sent one. */
  code?: ErrorCode;
  message?: string;
}

export interface GlobalWebSocketManagerOptions {
  /** The hub's origin, such as `https://hub.example` (the namespace comes from `userType`). */
  url: string;
  userType: Role;
  /** A token, or `getToken` to fetch one (called again before `exp` and after a refusal). */
  token?: string;
  getToken?: () => string | Promise<string>;
  /** Reconnection attempts after a drop; `Infinity` never gives up. Default 5. */
  reconnectAttempts?: number;
  debug?: boolean;
  /** Default `['websocket', 'polling']`: WebSocket first, long-polling when it cannot connect. */
  transports?: Array<'websocket' | 'polling'>;
  /** Where the cursor and the outbox are kept; default `localStorage` in browsers, memory elsewhere. */
  storage?: KeyValueStorage;
  /** Prefix of the storage keys; default `orderwire:<userType>`. */
  storageKey?: string;
  /** Socket.IO path; default `/ws`. */
  path?: string;
  /** Reconnect delays: from `minMs` doubling to `maxMs`, ± `jitter`. Default 1 s, 30 s, 0.5. */
  backoff?: { minMs?: number; maxMs?: number; jitter?: number };
  /** How many message ids are remembered for dedupe. Default 1,000. */
  dedupeWindow?: number;
  /** How long `send` waits for a reply. Default 10 s. */
  commandTimeoutMs?: number;
  /**
   * In browsers, resume by itself: when the network returns (`online`) and when the page is
   * visible again (`visibilitychange`), as `resume()` does. Default true; false leaves it to you.
   */
  autoResume?: boolean;
  /** A page hidden at least this long may have a dead transport: check it when visible. Default 15 s. */
  hiddenCheckAfterMs?: number;
  /** Refresh the token this long before `exp` (at most a tenth of its life). Default 30 s. */
  refreshBeforeExpMs?: number;
}

/**
 * What `send` takes after the command: its DTO's fields, optional only where every field is
 * (a requestId is added unless you give one).
 */
export type CommandArgs<C extends CommandType> =
  Partial<CommandData<C>> extends CommandData<C> ? [data?: CommandData<C>] : [data: CommandData<C>];

type Handler<T extends ServerEventType> = (envelope: Envelope<T>) => void | Promise<void>;
type AnyHandler = (envelope: Envelope) => void | Promise<void>;

export interface RecoveryInfo {
  /** False when the hub could not replay everything since the cursor: refetch from `order.board`. */
  recovered: boolean;
  replayed: number;
}

interface OutboxItem {
  requestId: string;
  command: CommandType;
  data: Record<string, unknown>;
  queuedAt: number;
}

interface Pending {
  resolve: (data: unknown) => void;
  reject: (err: OrderwireError) => void;
}

/** Commands that make sense only on the connection they were sent on: never queued. */
const UNQUEUED: ReadonlySet<string> = new Set(['heartbeat', 'auth.refresh']);

/** Refusals after which retrying with the same token is pointless. */
const TOKEN_CODES = new Set(['UNAUTHORIZED', 'TOKEN_EXPIRED']);
/** Refusals that mean "later": the hub is busy, draining or cannot reach its storage. */
const LATER_CODES = new Set(['TOO_MANY_CONNECTIONS', 'RATE_LIMITED']);
/** How long a liveness check (after the page slept) waits for the heartbeat's reply. */
const PROBE_TIMEOUT_MS = 5000;

function offlineInfo(code: ErrorCode, message: string): OfflineInfo {
  if (TOKEN_CODES.has(code)) return { reason: 'token_refused', code, message };
  return { reason: code === 'FORBIDDEN' ? 'forbidden' : 'refused', code, message };
}

function expOf(token: string | undefined): number | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function newRequestId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return c?.randomUUID
    ? c.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * The orderwire client for browsers and Node. It connects to its role's namespace, reconnects
 * with backoff, keeps an outbox of commands sent while offline (each with a requestId, so it has
 * one effect), removes duplicate messages, acknowledges durable ones once the handlers ran,
 * persists the cursor and recovers from it, refreshes its token before `exp`, and falls back to
 * long-polling when WebSocket cannot connect.
 */
export class GlobalWebSocketManager {
  private socket?: Socket;
  private token?: string;
  private currentStatus: ConnectionStatus = 'closed';
  private readonly handlers = new Map<string, Set<AnyHandler>>();
  private readonly anyHandlers = new Set<AnyHandler>();
  private readonly statusHandlers = new Set<(status: ConnectionStatus, offline?: OfflineInfo) => void>();
  private readonly recoveryHandlers = new Set<(info: RecoveryInfo) => void>();
  private readonly recent: RecentIds;
  private readonly storage: KeyValueStorage;
  private readonly keyPrefix: string;
  private readonly backoff: Backoff;
  private readonly opts: Required<
    Pick<
      GlobalWebSocketManagerOptions,
      'reconnectAttempts' | 'commandTimeoutMs' | 'refreshBeforeExpMs' | 'hiddenCheckAfterMs'
    >
  >;
  private outbox: OutboxItem[];
  private readonly pending = new Map<string, Pending>();
  private flushing = false;
  private processing: Promise<void> = Promise.resolve();
  private retryTimer?: ReturnType<typeof setTimeout>;
  private refreshTimer?: ReturnType<typeof setTimeout>;
  private heartbeatTimer?: ReturnType<typeof setInterval>;
  private resumeTimer?: ReturnType<typeof setTimeout>;
  private stopWatching?: () => void;
  /** The last refusal the hub sent with a code, until a connection is accepted. */
  private lastRefusal?: OrderwireError;
  private offlineWhy?: OfflineInfo;
  private lastRtt?: number;
  private welcome?: WelcomeData;

  constructor(private readonly options: GlobalWebSocketManagerOptions) {
    if (!options.token && !options.getToken)
      throw new Error('GlobalWebSocketManager needs token or getToken');
    this.token = options.token;
    this.storage = options.storage ?? defaultStorage();
    this.keyPrefix = options.storageKey ?? `orderwire:${options.userType}`;
    this.recent = new RecentIds(options.dedupeWindow ?? 1000);
    this.backoff = new Backoff(
      options.backoff?.minMs ?? 1000,
      options.backoff?.maxMs ?? 30_000,
      options.backoff?.jitter ?? 0.5,
    );
    this.opts = {
      reconnectAttempts: options.reconnectAttempts ?? 5,
      commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
      refreshBeforeExpMs: options.refreshBeforeExpMs ?? 30_000,
      hiddenCheckAfterMs: options.hiddenCheckAfterMs ?? 15_000,
    };
    this.outbox = this.loadOutbox();
  }

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  /** Why the manager is `offline` (undefined in every other status). */
  get offlineReason(): OfflineInfo | undefined {
    return this.currentStatus === 'offline' ? this.offlineWhy : undefined;
  }

  /**
   * While connecting or reconnecting, the hub's last refusal of this connection (a token refused,
   * the hub busy or draining): what to tell the user. Undefined when the hub could not be reached
   * at all, and once the connection is open.
   */
  get refusal(): OrderwireError | undefined {
    return this.currentStatus === 'open' ? undefined : this.lastRefusal;
  }

  /** The session the hub welcomed us with (after the first connect). */
  get session(): WelcomeData | undefined {
    return this.welcome;
  }

  /** The last cursor processed, as sent in `auth.cursor`. */
  get cursor(): string | undefined {
    return this.storage.getItem(`${this.keyPrefix}:cursor`) ?? undefined;
  }

  /** Commands waiting for a connection. */
  get queued(): number {
    return this.outbox.length;
  }

  /** The underlying Socket.IO socket (for tests and diagnostics). */
  get raw(): Socket | undefined {
    return this.socket;
  }

  /**
   * Connects. A no-op while connecting, open or reconnecting. After `offline`, or after
   * `disconnect()`, it starts a fresh connection: a fresh token from `getToken`, the stored cursor
   * (the hub replays what was missed), and the outbox flushed in order once open.
   */
  connect(): this {
    if (this.currentStatus !== 'closed' && this.currentStatus !== 'offline') return this;
    this.start(this.currentStatus === 'offline' ? 'reconnecting' : 'connecting');
    this.watch();
    return this;
  }

  /**
   * Call when the app learns that the network or the app itself is back (browsers do it for you,
   * see `autoResume`; React Native: from AppState `active` and NetInfo). After `offline` it
   * connects again; while reconnecting after a transport failure it tries at once instead of
   * waiting out the backoff; while open it checks the connection with a heartbeat and reconnects
   * when no reply comes (a transport that died while the device slept).
   */
  resume(): void {
    clearTimeout(this.resumeTimer);
    if (this.currentStatus === 'offline') this.connect();
    else if (this.currentStatus === 'open') void this.probe();
    else if (this.currentStatus === 'reconnecting' && !this.lastRefusal && !this.socket?.connected)
      this.start('reconnecting');
  }

  /** A new Socket.IO socket on a Manager of its own; whatever came before is let go. */
  private start(status: 'connecting' | 'reconnecting'): void {
    const { options } = this;
    this.clearTimers();
    this.dropSocket();
    this.backoff.reset();
    this.lastRefusal = undefined;
    this.offlineWhy = undefined;
    if (status === 'reconnecting' && options.getToken) this.token = undefined; // a fresh one
    this.setStatus(status);
    this.socket = io(`${options.url.replace(/\/$/, '')}${NAMESPACES[options.userType]}`, {
      // Its own Manager: the reconnection budget, a restart and an engine close concern this
      // manager alone, never another role's socket that happens to share the origin.
      forceNew: true,
      path: options.path ?? DEFAULT_WS_PATH,
      transports: options.transports ?? ['websocket', 'polling'],
      tryAllTransports: true,
      reconnection: true,
      reconnectionAttempts: this.opts.reconnectAttempts,
      reconnectionDelay: this.backoff.minMs,
      reconnectionDelayMax: this.backoff.maxMs,
      randomizationFactor: this.backoff.jitter,
      auth: (cb: (data: object) => void) => {
        void this.authPayload().then(cb, () => cb({}));
      },
    });
    this.bind(this.socket);
  }

  /** Listens for the browser's `online` and `visibilitychange` (once, until `disconnect()`). */
  private watch(): void {
    if (this.stopWatching || this.options.autoResume === false) return;
    this.stopWatching = watchLifecycle({
      online: () => this.resumeSoon(),
      visible: (hiddenForMs) => {
        if (this.currentStatus === 'offline' || hiddenForMs >= this.opts.hiddenCheckAfterMs)
          this.resumeSoon();
      },
    });
  }

  /**
   * `resume()` after the backoff's first delay (jittered), so that a restaurant's devices do not
   * all reconnect in the same instant when its network returns. A refusal that a retry cannot fix
   * (forbidden, or a refused token with no `getToken`) waits for an explicit `connect()`.
   */
  private resumeSoon(): void {
    const why = this.offlineReason;
    if (
      why &&
      why.reason !== 'attempts_exhausted' &&
      !(why.reason === 'token_refused' && this.options.getToken)
    )
      return;
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => this.resume(), this.backoff.first());
  }

  /** A heartbeat with a short deadline; no reply means the transport is dead: start again. */
  private async probe(): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected) return;
    try {
      await socket.timeout(PROBE_TIMEOUT_MS).emitWithAck('heartbeat', { clientTime: Date.now() });
    } catch {
      if (socket !== this.socket || this.currentStatus !== 'open') return;
      this.log('no heartbeat reply after the page slept: reconnecting');
      this.start('reconnecting');
    }
  }

  /** Lets go of the current socket and its Manager; its late events are ignored (see bind). */
  private dropSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.disconnect();
  }

  disconnect(): void {
    this.clearTimers();
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.setStatus('closed');
    this.dropSocket();
    for (const [, p] of this.pending) p.reject(new OrderwireError('CLOSED', 'the manager was closed'));
    this.pending.clear();
  }

  /** Subscribes to one message type; returns the unsubscribe function. */
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

  /** Every status change; with `offline`, the second argument says why (see `OfflineReason`). */
  onStatus(handler: (status: ConnectionStatus, offline?: OfflineInfo) => void): () => void {
    this.statusHandlers.add(handler);
    return () => this.statusHandlers.delete(handler);
  }

  /** Called after every (re)connect; `recovered: false` means: rebuild state from `order.board`. */
  onRecovery(handler: (info: RecoveryInfo) => void): () => void {
    this.recoveryHandlers.add(handler);
    return () => this.recoveryHandlers.delete(handler);
  }

  /** The last round trip measured with `heartbeat`, in ms. */
  rtt(): number | undefined {
    return this.lastRtt;
  }

  /**
   * Sends a command (its data typed from the command's DTO: `send('order.place', { items, … })`)
   * and resolves the reply's data, or rejects with an OrderwireError carrying the
   * protocol code. While offline the command waits in the outbox (with its requestId) and is sent
   * in order once connected.
   */
  send<C extends CommandType>(command: C, ...args: CommandArgs<C>): Promise<CommandReply<C>> {
    const data = (args[0] ?? {}) as Record<string, unknown>;
    const requestId = typeof data.requestId === 'string' ? data.requestId : newRequestId();
    const item: OutboxItem = { requestId, command, data: { ...data, requestId }, queuedAt: Date.now() };
    return new Promise<CommandReply<C>>((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (d: unknown) => void, reject });
      if (UNQUEUED.has(command)) {
        if (this.currentStatus === 'open') void this.dispatch(item, false);
        else this.settle(requestId, new OrderwireError('CLOSED', `${command} needs an open connection`));
      } else if (this.currentStatus === 'open' && !this.flushing && this.outbox.length === 0) {
        void this.dispatch(item);
      } else {
        if (this.currentStatus === 'closed') {
          this.pending.delete(requestId);
          reject(new OrderwireError('CLOSED', 'connect() first'));
          return;
        }
        this.outbox.push(item);
        this.saveOutbox();
        this.log('queued', command, requestId);
      }
    });
  }

  /** Every handler first checks that its socket is still the current one: a dropped socket is mute. */
  private bind(socket: Socket): void {
    const current = (): boolean => socket === this.socket;
    socket.on('connect', () => {
      if (!current()) return;
      this.backoff.reset();
      this.lastRefusal = undefined;
      this.log('connected over', socket.io.engine?.transport?.name);
    });
    socket.on('disconnect', (reason) => {
      if (!current()) return;
      this.log('disconnected:', reason);
      this.stopHeartbeat();
      if (this.currentStatus === 'closed') return;
      // The hub closing the socket on purpose (expiry, admin, drain) does not auto-reconnect.
      if (reason === 'io server disconnect') this.retryLater();
      else this.setStatus('reconnecting');
    });
    socket.on('connect_error', (err: Error & { data?: { code?: ErrorCode; message?: string } }) => {
      if (!current()) return;
      const code = err.data?.code;
      this.log('connect_error', code ?? err.message);
      if (!code) {
        if (this.currentStatus === 'open') this.setStatus('reconnecting');
        return; // a transport failure: Socket.IO's manager retries by itself
      }
      this.lastRefusal = new OrderwireError(code, err.data?.message ?? err.message);
      if (TOKEN_CODES.has(code) && this.options.getToken) {
        this.token = undefined; // fetch a fresh one for the next attempt
        return this.retryLater();
      }
      if (LATER_CODES.has(code)) return this.retryLater();
      this.goOffline(offlineInfo(code, this.lastRefusal.message));
    });
    socket.io.on('reconnect_attempt', () => current() && this.setStatus('reconnecting'));
    socket.io.on('reconnect_failed', () => current() && this.goOffline({ reason: 'attempts_exhausted' }));
    socket.onAny((type: string, ...args: unknown[]) => {
      if (!current()) return;
      const last = args[args.length - 1];
      const ack = typeof last === 'function' ? (last as () => void) : undefined;
      const envelope = args[0] as Envelope;
      this.processing = this.processing.then(() => this.receive(type, envelope, ack));
    });
  }

  private async receive(type: string, envelope: Envelope, ack?: () => void): Promise<void> {
    if (!envelope || typeof envelope.id !== 'string') return;
    if (this.recent.seen(envelope.id)) {
      ack?.();
      return;
    }
    if (type === 'system.welcome') this.welcomed(envelope.data as WelcomeData);
    if (type === 'system.shutdown') this.log('the hub is draining; reconnecting');
    const handlers = [...(this.handlers.get(type) ?? []), ...this.anyHandlers];
    const results = await Promise.allSettled(handlers.map((h) => h(envelope)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      // Not acknowledged: the hub delivers it again. Forget the id so that the copy is handled.
      this.log('a handler failed', type, (failed as PromiseRejectedResult).reason);
      this.recent.forget(envelope.id);
      return;
    }
    if (envelope.cursor) this.storage.setItem(`${this.keyPrefix}:cursor`, envelope.cursor);
    ack?.();
    if (type === 'order.board') this.opened();
  }

  private welcomed(welcome: WelcomeData): void {
    this.welcome = welcome;
    if (welcome.cursor && !this.cursor) this.storage.setItem(`${this.keyPrefix}:cursor`, welcome.cursor);
    for (const h of this.recoveryHandlers) h({ recovered: welcome.recovered, replayed: welcome.replayed });
    this.scheduleRefresh();
    this.startHeartbeat(welcome.heartbeatIntervalMs);
  }

  /** After welcome, replay and board: the session is ready; flush the outbox in order. */
  private opened(): void {
    if (this.currentStatus === 'closed') return;
    this.setStatus('open');
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.outbox.length > 0 && this.currentStatus === 'open') {
        const item = this.outbox[0];
        const sent = await this.dispatch(item);
        if (!sent) return; // dropped again: keep it for the next connection
        this.outbox.shift();
        this.saveOutbox();
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Sends one command; false if the connection dropped before the reply (it stays queued). */
  private async dispatch(item: OutboxItem, queueOnDrop = true): Promise<boolean> {
    const socket = this.socket;
    if (!socket) return false;
    let reply: AckReply;
    try {
      reply = (await socket
        .timeout(this.opts.commandTimeoutMs)
        .emitWithAck(item.command, item.data)) as AckReply;
    } catch {
      if (!socket.connected && queueOnDrop) {
        if (!this.outbox.includes(item)) {
          this.outbox.unshift(item);
          this.saveOutbox();
        }
        return false;
      }
      this.settle(item.requestId, new OrderwireError('TIMEOUT', `${item.command}: no reply in time`));
      return true;
    }
    if (reply.ok) this.settle(item.requestId, undefined, reply.data);
    else
      this.settle(
        item.requestId,
        new OrderwireError(reply.error.code, reply.error.message, reply.error.details),
      );
    return true;
  }

  private settle(requestId: string, error?: OrderwireError, data?: unknown): void {
    const p = this.pending.get(requestId);
    if (!p) return; // from a previous page load: its effect shows in the events
    this.pending.delete(requestId);
    if (error) p.reject(error);
    else p.resolve(data);
  }

  private async authPayload(): Promise<{ token?: string; cursor?: string }> {
    const exp = expOf(this.token);
    if (
      this.options.getToken &&
      (!this.token || (exp !== undefined && exp - Date.now() < this.refreshMargin(exp)))
    ) {
      this.token = await this.options.getToken();
    }
    const cursor = this.cursor;
    return { token: this.token, ...(cursor ? { cursor } : {}) };
  }

  private refreshMargin(exp: number): number {
    const life = exp - (Date.now() - 1);
    return Math.min(this.opts.refreshBeforeExpMs, Math.max(1000, life / 10));
  }

  /** Before `exp`: a new token through auth.refresh; if that fails, reconnect with it. */
  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    const exp = expOf(this.token);
    if (!this.options.getToken || exp === undefined) return;
    const at = exp - Math.min(this.opts.refreshBeforeExpMs, Math.max(500, (exp - Date.now()) / 10));
    this.refreshTimer = setTimeout(() => void this.refresh(), Math.max(0, at - Date.now()));
  }

  private async refresh(): Promise<void> {
    try {
      const token = await this.options.getToken!();
      await this.send('auth.refresh', { token });
      this.token = token;
      this.scheduleRefresh();
    } catch (err) {
      this.log('auth.refresh failed; reconnecting with a new token', err);
      this.token = undefined;
      this.socket?.disconnect();
      this.retryLater(0);
    }
  }

  /** Reconnects after a refusal or a server-side close, with the same backoff and attempt budget. */
  private retryLater(delay?: number): void {
    if (this.currentStatus === 'closed') return;
    if (this.backoff.attempts >= this.opts.reconnectAttempts) {
      const last = this.lastRefusal;
      return this.goOffline(
        last && TOKEN_CODES.has(last.code)
          ? { reason: 'token_refused', code: last.code as ErrorCode, message: last.message }
          : {
              reason: 'attempts_exhausted',
              ...(last ? { code: last.code as ErrorCode, message: last.message } : {}),
            },
      );
    }
    this.setStatus('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.socket?.connect(), delay ?? this.backoff.next());
  }

  /**
   * Gives up until `connect()` (or, where the reason allows, the browser's `online` and
   * `visibilitychange`). Queued commands stay in the outbox and their promises stay pending:
   * the next connection sends them.
   */
  private goOffline(why: OfflineInfo): void {
    this.log('offline:', why.reason, why.code ?? '', why.message ?? '');
    this.clearTimers();
    this.dropSocket();
    this.offlineWhy = why;
    this.setStatus('offline');
  }

  private startHeartbeat(intervalMs: number): void {
    this.stopHeartbeat();
    const beat = async (): Promise<void> => {
      const started = Date.now();
      try {
        await this.send('heartbeat', { clientTime: started });
        this.lastRtt = Date.now() - started;
      } catch {
        // Measured next time.
      }
    };
    void beat();
    this.heartbeatTimer = setInterval(() => void beat(), intervalMs);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
  }

  private clearTimers(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.refreshTimer);
    clearTimeout(this.resumeTimer);
    this.stopHeartbeat();
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.log('status', status);
    const why = this.offlineReason;
    for (const h of this.statusHandlers) h(status, why);
  }

  private loadOutbox(): OutboxItem[] {
    try {
      const raw = this.storage.getItem(`${this.keyPrefix}:outbox`);
      return raw ? (JSON.parse(raw) as OutboxItem[]) : [];
    } catch {
      return [];
    }
  }

  private saveOutbox(): void {
    if (this.storage instanceof MemoryStorage && this.outbox.length === 0) return;
    this.storage.setItem(`${this.keyPrefix}:outbox`, JSON.stringify(this.outbox));
  }

  private log(...args: unknown[]): void {
    if (this.options.debug) console.debug('[orderwire]', ...args);
  }
}

export type { Envelope, ServerEventMap };
