import {
  type AckMode,
  type CommandReply,
  type CommandType,
  CUMULATIVE_ACK_EVENT,
  type Envelope,
  type ServerEventMap,
  type ServerEventType,
  type WelcomeData,
} from '@orderwire/contracts/protocol';
import type { Socket } from 'socket.io-client';
import { AutoResume } from './auto-resume.js';
import { Connection } from './connection.js';
import { CumulativeAcker } from './cumulative-ack.js';
import { answers, Heartbeat } from './heartbeat.js';
import { type AnyHandler, type Handler, Inbox } from './inbox.js';
import {
  type CommandArgs,
  type ConnectionStatus,
  type GlobalWebSocketManagerOptions,
  type ManagerSettings,
  type OfflineInfo,
  type RecoveryInfo,
  settingsOf,
} from './manager-options.js';
import { OrderwireError } from './orderwire-error.js';
import { CommandQueue } from './command-queue.js';
import { Listeners } from './listeners.js';
import { defaultStorage, type KeyValueStorage } from './storage.js';
import { TokenRefresh, TokenSource } from './token.js';

/**
 * The orderwire client for browsers and Node. It connects to its role's namespace, reconnects
 * with backoff, keeps an outbox of commands sent while offline (each with a requestId, so it has
 * one effect: outbox.ts), removes duplicate messages, acknowledges durable ones once the handlers
 * ran, persists the cursor and recovers from it (inbox.ts), refreshes its token before `exp`
 * (token.ts), and falls back to long-polling when WebSocket cannot connect. This class is the
 * connection's life: connect, reconnect, go offline, resume, heartbeat.
 */
export class GlobalWebSocketManager {
  private readonly connection: Connection;
  private currentStatus: ConnectionStatus = 'closed';
  private readonly statusListeners = new Listeners<[status: ConnectionStatus, offline?: OfflineInfo]>();
  private readonly recoveryListeners = new Listeners<[info: RecoveryInfo]>();
  private readonly inbox: Inbox;
  private readonly acker: CumulativeAcker;
  private readonly tokens: TokenSource;
  private readonly tokenRefresh: TokenRefresh;
  private readonly opts: ManagerSettings;
  private readonly commands: CommandQueue;
  private readonly heartbeat = new Heartbeat((clientTime) => this.send('heartbeat', { clientTime }));
  private readonly autoResume?: AutoResume;
  private offlineWhy?: OfflineInfo;
  private welcome?: WelcomeData;

  constructor(private readonly options: GlobalWebSocketManagerOptions) {
    if (!options.token && !options.getToken)
      throw new Error('GlobalWebSocketManager needs token or getToken');
    const storage: KeyValueStorage = options.storage ?? defaultStorage();
    const opts = (this.opts = settingsOf(options));
    this.tokens = new TokenSource(options.token, options.getToken, this.opts.refreshBeforeExpMs);
    this.tokenRefresh = new TokenRefresh(
      this.tokens,
      (token) => this.send('auth.refresh', { token }),
      (err) => {
        this.log('auth.refresh failed; reconnecting with a new token', err);
        this.connection.socket?.disconnect();
        this.connection.retryLater(0);
      },
    );
    this.commands = new CommandQueue(
      storage,
      `${opts.keyPrefix}:outbox`,
      {
        socket: () => this.connection.socket,
        status: () => this.currentStatus,
        log: (...args) => this.log(...args),
      },
      this.opts.commandTimeoutMs,
    );
    this.acker = new CumulativeAcker(
      // Never buffered for a later connection: its socket owes nothing of this one's.
      (ack) => this.connection.socket?.connected && this.connection.socket.emit(CUMULATIVE_ACK_EVENT, ack),
      opts.ackIntervalMs,
    );
    this.inbox = new Inbox(storage, `${opts.keyPrefix}:cursor`, opts.dedupeWindow, {
      welcomed: (welcome) => this.welcomed(welcome),
      ready: () => this.opened(),
      log: (...args) => this.log(...args),
    });
    this.connection = new Connection(options, opts, this.tokens, {
      status: () => this.currentStatus,
      setStatus: (status) => this.setStatus(status),
      offline: (why) => this.goOffline(why),
      lost: () => this.heartbeat.stop(),
      message: (type, envelope, ack) => this.inbox.push(type, envelope, ack),
      auth: () => this.authPayload(),
      log: (...args) => this.log(...args),
    });
    if (options.autoResume !== false)
      this.autoResume = new AutoResume(
        this,
        this.opts.hiddenCheckAfterMs,
        () => this.connection.backoff.first(),
        this.tokens.renewable,
      );
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
    return this.currentStatus === 'open' ? undefined : this.connection.lastRefusal;
  }

  /** The session the hub welcomed us with (after the first connect). */
  get session(): WelcomeData | undefined {
    return this.welcome;
  }

  /** The last cursor processed, as sent in `auth.cursor`. */
  get cursor(): string | undefined {
    return this.inbox.cursor;
  }

  /** Commands waiting for a connection. */
  get queued(): number {
    return this.commands.queued;
  }

  /** The underlying Socket.IO socket (for tests and diagnostics). */
  get raw(): Socket | undefined {
    return this.connection.socket;
  }

  /**
   * Connects. A no-op while connecting, open or reconnecting. After `offline`, or after
   * `disconnect()`, it starts a fresh connection: a fresh token from `getToken`, the stored cursor
   * (the hub replays what was missed), and the outbox flushed in order once open.
   */
  connect(): this {
    if (this.currentStatus !== 'closed' && this.currentStatus !== 'offline') return this;
    this.start(this.currentStatus === 'offline' ? 'reconnecting' : 'connecting');
    this.autoResume?.watch();
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
    this.autoResume?.cancel();
    if (this.currentStatus === 'offline') this.connect();
    else if (this.currentStatus === 'open') void this.probe();
    else if (
      this.currentStatus === 'reconnecting' &&
      !this.connection.lastRefusal &&
      !this.connection.socket?.connected
    )
      this.start('reconnecting');
  }

  /** A new connection; whatever came before is let go. */
  private start(status: 'connecting' | 'reconnecting'): void {
    this.clearTimers();
    this.offlineWhy = undefined;
    this.connection.open(status);
  }

  /** A heartbeat with a short deadline; no reply means the transport is dead: start again. */
  private async probe(): Promise<void> {
    const socket = this.connection.socket;
    if (!socket?.connected || (await answers(socket))) return;
    if (socket !== this.connection.socket || this.currentStatus !== 'open') return;
    this.log('no heartbeat reply after the page slept: reconnecting');
    this.start('reconnecting');
  }

  disconnect(): void {
    this.clearTimers();
    this.autoResume?.stop();
    this.setStatus('closed');
    this.connection.drop();
    this.commands.rejectAll(new OrderwireError('CLOSED', 'the manager was closed'));
  }

  /** Subscribes to one message type; returns the unsubscribe function. */
  on<T extends ServerEventType>(type: T, handler: Handler<T>): () => void {
    return this.inbox.on(type, handler);
  }

  onAny(handler: AnyHandler): () => void {
    return this.inbox.onAny(handler);
  }

  /** Every status change; with `offline`, the second argument says why (see `OfflineReason`). */
  onStatus(handler: (status: ConnectionStatus, offline?: OfflineInfo) => void): () => void {
    return this.statusListeners.add(handler);
  }

  /** Called after every (re)connect; `recovered: false` means: rebuild state from `order.board`. */
  onRecovery(handler: (info: RecoveryInfo) => void): () => void {
    return this.recoveryListeners.add(handler);
  }

  /** The last round trip measured with `heartbeat`, in ms. */
  rtt(): number | undefined {
    return this.heartbeat.rtt;
  }

  /**
   * Sends a command (its data typed from the command's DTO: `send('order.place', { items, … })`)
   * and resolves the reply's data, or rejects with an OrderwireError carrying the
   * protocol code. While offline the command waits in the outbox (with its requestId) and is sent
   * in order once connected.
   */
  send<C extends CommandType>(command: C, ...args: CommandArgs<C>): Promise<CommandReply<C>> {
    return this.commands.send(command, (args[0] ?? {}) as Record<string, unknown>) as Promise<
      CommandReply<C>
    >;
  }

  private welcomed(welcome: WelcomeData): void {
    this.welcome = welcome;
    // Protocol 1.1: cumulative acks where asked for and granted, else an ack per message.
    this.acker.reset();
    this.inbox.acknowledgeWith(welcome.acks === 'cumulative' ? this.acker : undefined);
    this.inbox.startAt(welcome.cursor);
    this.recoveryListeners.emit({ recovered: welcome.recovered, replayed: welcome.replayed });
    this.tokenRefresh.schedule();
    this.heartbeat.start(welcome.heartbeatIntervalMs);
  }

  /** After welcome, replay and board: the session is ready; flush the outbox in order. */
  private opened(): void {
    if (this.currentStatus === 'closed') return;
    this.setStatus('open');
    void this.commands.flush();
  }

  private async authPayload(): Promise<{ token?: string; cursor?: string; acks?: AckMode }> {
    const token = await this.tokens.forConnect();
    const cursor = this.cursor;
    return {
      token,
      ...(cursor ? { cursor } : {}),
      ...(this.opts.acks === 'cumulative' ? { acks: 'cumulative' } : {}),
    };
  }

  /**
   * Gives up until `connect()` (or, where the reason allows, the browser's `online` and
   * `visibilitychange`). Queued commands stay in the outbox and their promises stay pending:
   * the next connection sends them; a heartbeat that waited for this connection is refused.
   */
  private goOffline(why: OfflineInfo): void {
    this.log('offline:', why.reason, why.code ?? '', why.message ?? '');
    this.clearTimers();
    this.commands.dropEarly();
    this.connection.drop();
    this.offlineWhy = why;
    this.setStatus('offline');
  }

  private clearTimers(): void {
    this.connection.cancelRetry();
    this.tokenRefresh.cancel();
    this.autoResume?.cancel();
    this.heartbeat.stop();
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.log('status', status);
    this.statusListeners.emit(status, this.offlineReason);
  }

  private log(...args: unknown[]): void {
    if (this.options.debug) console.debug('[orderwire]', ...args);
  }
}

export type { Envelope, ServerEventMap };
