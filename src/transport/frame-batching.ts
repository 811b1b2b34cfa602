import type { Socket as TcpSocket } from 'node:net';
import { laterRequestOf } from './raw-sessions.js';

/** The `ws` WebSocket under engine.io's WebSocket transport (ws 8: `bufferedAmount`, `terminate`). */
interface WsSocket {
  _socket?: TcpSocket;
  /** Bytes handed to the socket and not yet written to the kernel. */
  bufferedAmount?: number;
  terminate?(): void;
}

/** The parts of engine.io's connection and WebSocket transport that this reads. */
interface EngineTransport {
  name: string;
  /** False while the transport is busy with what it was last given (engine.io then queues). */
  writable: boolean;
  socket?: WsSocket;
  send(packets: unknown[]): void;
}
interface EnginePacket {
  data?: string | Buffer;
}
export interface EngineConnection {
  id: string;
  /** The request that opened it (public): for a WebSocket from the start, its TCP socket's. */
  request?: { socket?: TcpSocket };
  transport: EngineTransport;
  /** Packets queued while the transport cannot take them (engine.io-internal; `engine-backlog`). */
  writeBuffer?: EnginePacket[];
  readyState: string;
  flush(): void;
  close(discard?: boolean): void;
  /** Public events: a packet queued, the queue handed to the transport, an upgrade. */
  on(event: 'packetCreate', listener: (packet: EnginePacket) => void): unknown;
  on(event: 'flush', listener: () => void): unknown;
  once(event: 'upgrade', listener: (transport: EngineTransport) => void): unknown;
}
export interface EngineServer {
  on(event: 'connection', listener: (conn: EngineConnection) => void): unknown;
  /** engine.io's middlewares (public): they run for every request, upgrades included. */
  use?(middleware: (req: EngineRequest, res: unknown, next: (err?: Error) => void) => void): void;
  /** The open connections by id (public). */
  clients?: Record<string, EngineConnection | undefined>;
}
interface EngineRequest {
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  socket: TcpSocket;
}

/**
 * The TCP socket of each WebSocket connection, from public API only: the request a connection
 * was opened with (WebSocket from the start), or the upgrade request of a long-polling one.
 */
const tcpSockets = new WeakMap<EngineConnection, TcpSocket>();

function rememberTcpSockets(engine: EngineServer): void {
  engine.on('connection', (conn) => {
    const tcp = conn.request?.socket;
    if (conn.transport.name === 'websocket' && tcp) tcpSockets.set(conn, tcp);
  });
  engine.use?.((req, _res, next) => {
    const later = req.headers.upgrade === 'websocket' ? laterRequestOf(req.url) : undefined;
    const conn = later && engine.clients?.[later.sid];
    if (conn) tcpSockets.set(conn, req.socket);
    next();
  });
}

/**
 * When a connection has queued too much that its client has not read (SLOW_CONSUMER_* settings):
 * more than `maxBytes` at any flush, or more than `softBytes` at every flush for `softMs`.
 */
export interface SlowConsumerPolicy {
  maxBytes: number;
  softBytes: number;
  softMs: number;
  /** How long a shed connection's socket may take to read its goodbye before it is destroyed. */
  closeGraceMs: number;
  /** Called once per shed connection, before it is closed: queue the goodbye here. */
  onSlow(conn: EngineConnection, queuedBytes: number): void;
}

/** Which of this file's patches (transport/patches.ts) a connection gets. */
export interface FramePatches {
  /** `frame-batching`: the connection's flush once per turn, its TCP socket corked per batch. */
  frames: boolean;
  /** `engine-backlog`: the WebSocket's unsent bytes counted; a shed socket's goodbye and TCP end. */
  backlog: boolean;
}
const ALL_PATCHES: FramePatches = { frames: true, backlog: true };

/**
 * What a connection has queued that its client has not taken. `bytes`: the packets engine.io
 * holds, counted from its public events (each packet's length when it is queued, zero when its
 * queue is handed to the transport: engine.io hands over all of it).
 */
interface Backlog {
  bytes: number;
  overSoftSince: number;
  /** `engine-backlog`: its WebSocket's unsent bytes may be read. */
  wire: boolean;
  /** `frame-batching`: its flush waits for the turn's end. */
  batched: boolean;
}

/** Connections to flush (when batched) and check at the end of this event-loop turn. */
const due = new Set<EngineConnection>();
let scheduled = false;
const backlogs = new WeakMap<EngineConnection, Backlog>();
const policies = new WeakMap<EngineConnection, SlowConsumerPolicy>();

function schedule(conn: EngineConnection): void {
  due.add(conn);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushDue);
  }
}

function flushDue(): void {
  scheduled = false;
  for (const conn of due) {
    due.delete(conn);
    if (backlogs.get(conn)?.batched) realFlush(conn);
    const policy = policies.get(conn);
    if (policy) checkBacklog(conn, policy);
  }
}

function realFlush(conn: EngineConnection): void {
  (Object.getPrototypeOf(conn) as EngineConnection).flush.call(conn);
}

/** Stands in for engine.io's flush: the real one runs once, when this turn's I/O is handled. */
function flushAtTurnEnd(this: EngineConnection): void {
  schedule(this);
}

function track(conn: EngineConnection, wire: boolean, batched: boolean, checked: boolean): void {
  const b: Backlog = { bytes: 0, overSoftSince: 0, wire, batched };
  backlogs.set(conn, b);
  conn.on('packetCreate', (packet) => {
    b.bytes += packet.data?.length ?? 0;
    // Unbatched, engine.io flushes as it queues: the bound is checked at the turn's end.
    if (checked && !batched) schedule(conn);
  });
  conn.on('flush', () => (b.bytes = 0));
}

/** The `ws` socket under a WebSocket transport, when `engine-backlog` may read it. */
function wsOf(conn: EngineConnection): WsSocket | undefined {
  const b = backlogs.get(conn);
  return b?.wire && conn.transport.name === 'websocket' ? conn.transport.socket : undefined;
}

/**
 * Bytes a connection has queued that its client has not taken: packets engine.io holds because
 * the transport is busy (a WebSocket whose client does not read, or long-polling with no request
 * open) plus, with `engine-backlog`, what the WebSocket has handed to its TCP socket and the
 * kernel has not accepted (without it, that one batch in flight is not counted).
 */
export function queuedBytes(conn: EngineConnection): number {
  const wire = wsOf(conn)?.bufferedAmount;
  return (backlogs.get(conn)?.bytes ?? 0) + (typeof wire === 'number' ? wire : 0);
}

/**
 * Resolves once the connection has at most `belowBytes` queued (true), or has closed (false):
 * for writers of large batches (a replay) that must not queue past the slow-consumer bounds.
 */
export async function waitForRoom(conn: EngineConnection, belowBytes: number, pollMs = 5): Promise<boolean> {
  for (;;) {
    if (conn.readyState !== 'open') return false;
    if (queuedBytes(conn) <= belowBytes) return true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

function checkBacklog(conn: EngineConnection, policy: SlowConsumerPolicy): void {
  const bytes = queuedBytes(conn);
  const b = backlogs.get(conn)!;
  if (bytes <= policy.softBytes) {
    b.overSoftSince = 0;
    return;
  }
  const now = Date.now();
  if (b.overSoftSince === 0) b.overSoftSince = now;
  if (bytes > policy.maxBytes || now - b.overSoftSince >= policy.softMs) shed(conn, bytes, policy);
}

/**
 * Closes a connection that does not read: the goodbye the policy queues is written after what the
 * socket already holds (the client sees it if it ever reads that far; long-polling only if a
 * request is open), the connection closes at once (engine.io drops what it still holds, the hub
 * forgets the socket). With `engine-backlog`, a busy WebSocket gets the goodbye straight away and
 * its TCP socket is destroyed after the grace, so its buffer is freed; without, engine.io closes
 * it once its queue (the goodbye last) has been read, or after the grace drops the queue and the
 * TCP socket (known from the opening or upgrade request) is destroyed.
 */
function shed(conn: EngineConnection, bytes: number, policy: SlowConsumerPolicy): void {
  policies.delete(conn);
  const ws = wsOf(conn);
  const internal = ws !== undefined && Array.isArray(conn.writeBuffer);
  const queued = internal ? conn.writeBuffer!.length : 0;
  policy.onSlow(conn, bytes);
  due.delete(conn);
  const goodbye = internal ? conn.writeBuffer!.slice(queued) : [];
  // A busy WebSocket would never take engine.io's queue; the goodbye goes straight to the
  // socket, after what it already holds. (What engine.io held is dropped with the connection.)
  if (internal) {
    if (!conn.transport.writable && goodbye.length > 0) conn.transport.send(goodbye);
    else if (backlogs.get(conn)?.batched) realFlush(conn);
    conn.close(true);
    if (typeof ws.terminate === 'function') setTimeout(() => ws.terminate!(), policy.closeGraceMs).unref();
    return;
  }
  // Public API only: engine.io takes no more packets once closing, and closes when its queue (the
  // goodbye last) has been read, or after the grace in any case, dropping what is left.
  if (backlogs.get(conn)?.batched) realFlush(conn);
  conn.close();
  setTimeout(() => {
    conn.close(true);
    tcpSockets.get(conn)?.destroy();
  }, policy.closeGraceMs).unref();
}

/**
 * Batches what the hub writes to a client. engine.io flushes every packet as it is queued, so a
 * command's reply and the event it caused, or a burst of events to one crew socket, each became a
 * WebSocket frame and a `writev` of its own (loopback system calls were the largest single cost
 * in fan-out). Here a connection's packets are flushed once per event-loop turn, after the turn's
 * I/O callbacks (setImmediate), and the TCP socket is corked while a batch's frames are written,
 * so a batch is one system call. Order is kept (one queue per connection); the wait is the rest
 * of the current turn, not a timer. After each flush the connection's backlog is held to the
 * slow-consumer policy, if one is given. Without `frame-batching` (or where engine.io's flush is
 * not where it is expected) engine.io flushes as before and the backlog is checked at the end of
 * each turn in which the connection was written to.
 */
export function batchFrames(
  engine: EngineServer,
  slowConsumers?: SlowConsumerPolicy,
  patches: FramePatches = ALL_PATCHES,
): void {
  if (slowConsumers && !patches.backlog) rememberTcpSockets(engine);
  engine.on('connection', (conn) => {
    const batched = patches.frames && typeof Object.getPrototypeOf(conn)?.flush === 'function';
    track(conn, patches.backlog, batched, slowConsumers !== undefined);
    if (slowConsumers) policies.set(conn, slowConsumers);
    if (!batched) return;
    conn.flush = flushAtTurnEnd;
    if (conn.transport.name === 'websocket') corkBatches(conn.transport);
    else conn.once('upgrade', corkBatches); // long-polling first, WebSocket later
  });
}

function corkBatches(transport: EngineTransport): void {
  const tcp = transport.socket?._socket;
  if (transport.name !== 'websocket' || typeof tcp?.cork !== 'function') return;
  const send = transport.send;
  transport.send = function (this: EngineTransport, packets: unknown[]): void {
    if (packets.length < 2) return send.call(this, packets);
    tcp.cork();
    try {
      send.call(this, packets);
    } finally {
      tcp.uncork();
    }
  };
}
