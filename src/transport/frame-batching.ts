import type { Socket as TcpSocket } from 'node:net';

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
  transport: EngineTransport;
  /** Packets queued while the transport cannot take them (engine.io replaces the array on flush). */
  writeBuffer: EnginePacket[];
  readyState: string;
  flush(): void;
  close(discard?: boolean): void;
  once(event: 'upgrade', listener: (transport: EngineTransport) => void): unknown;
}
export interface EngineServer {
  on(event: 'connection', listener: (conn: EngineConnection) => void): unknown;
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

/** What a connection has queued: the packets engine.io holds (counted once each) and the socket's buffer. */
interface Backlog {
  buffer: EnginePacket[] | undefined;
  counted: number;
  bytes: number;
  overSoftSince: number;
}

/** Connections with packets waiting for the end of this event-loop turn. */
const due = new Set<EngineConnection>();
let scheduled = false;
const backlogs = new WeakMap<EngineConnection, Backlog>();
const policies = new WeakMap<EngineConnection, SlowConsumerPolicy>();

function flushDue(): void {
  scheduled = false;
  for (const conn of due) {
    due.delete(conn);
    realFlush(conn);
    const policy = policies.get(conn);
    if (policy) checkBacklog(conn, policy);
  }
}

function realFlush(conn: EngineConnection): void {
  (Object.getPrototypeOf(conn) as EngineConnection).flush.call(conn);
}

/** Stands in for engine.io's flush: the real one runs once, when this turn's I/O is handled. */
function flushAtTurnEnd(this: EngineConnection): void {
  due.add(this);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushDue);
  }
}

/**
 * Bytes a connection has queued that its client has not taken: packets engine.io holds because
 * the transport is busy (a WebSocket whose client does not read, or long-polling with no request
 * open; string lengths, counted once per packet) plus what the WebSocket has handed to its TCP
 * socket and the kernel has not accepted.
 */
export function queuedBytes(conn: EngineConnection): number {
  let b = backlogs.get(conn);
  if (!b) backlogs.set(conn, (b = { buffer: undefined, counted: 0, bytes: 0, overSoftSince: 0 }));
  if (b.buffer !== conn.writeBuffer) {
    b.buffer = conn.writeBuffer;
    b.counted = 0;
    b.bytes = 0;
  }
  const buffer = conn.writeBuffer;
  for (; b.counted < buffer.length; b.counted++) b.bytes += buffer[b.counted].data?.length ?? 0;
  const wire = conn.transport.name === 'websocket' ? (conn.transport.socket?.bufferedAmount ?? 0) : 0;
  return b.bytes + wire;
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
 * forgets the socket), and the TCP socket is destroyed after the grace, so its buffer is freed.
 */
function shed(conn: EngineConnection, bytes: number, policy: SlowConsumerPolicy): void {
  policies.delete(conn);
  const queued = conn.writeBuffer.length;
  policy.onSlow(conn, bytes);
  due.delete(conn);
  const ws = conn.transport.name === 'websocket' ? conn.transport.socket : undefined;
  const goodbye = conn.writeBuffer.slice(queued);
  // A busy WebSocket would never take engine.io's queue; the goodbye goes straight to the
  // socket, after what it already holds. (What engine.io held is dropped with the connection.)
  if (ws && !conn.transport.writable && goodbye.length > 0) conn.transport.send(goodbye);
  else realFlush(conn);
  conn.close(true);
  if (ws?.terminate) setTimeout(() => ws.terminate!(), policy.closeGraceMs).unref();
}

/**
 * Batches what the hub writes to a client. engine.io flushes every packet as it is queued, so a
 * command's reply and the event it caused, or a burst of events to one crew socket, each became a
 * WebSocket frame and a `writev` of its own (loopback system calls were the largest single cost
 * in fan-out). Here a connection's packets are flushed once per event-loop turn, after the turn's
 * I/O callbacks (setImmediate), and the TCP socket is corked while a batch's frames are written,
 * so a batch is one system call. Order is kept (one queue per connection); the wait is the rest
 * of the current turn, not a timer. After each flush the connection's backlog is held to the
 * slow-consumer policy, if one is given.
 */
export function batchFrames(engine: EngineServer, slowConsumers?: SlowConsumerPolicy): void {
  engine.on('connection', (conn) => {
    conn.flush = flushAtTurnEnd;
    if (slowConsumers) policies.set(conn, slowConsumers);
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
