import type { Socket as TcpSocket } from 'node:net';

/** The parts of engine.io's connection and WebSocket transport that this reads. */
interface EngineTransport {
  name: string;
  /** The `ws` WebSocket, whose `_socket` is the TCP socket. */
  socket?: { _socket?: TcpSocket };
  send(packets: unknown[]): void;
}
interface EngineConnection {
  transport: EngineTransport;
  flush(): void;
  once(event: 'upgrade', listener: (transport: EngineTransport) => void): unknown;
}
export interface EngineServer {
  on(event: 'connection', listener: (conn: EngineConnection) => void): unknown;
}

/** Connections with packets waiting for the end of this event-loop turn. */
const due = new Set<EngineConnection>();
let scheduled = false;

function flushDue(): void {
  scheduled = false;
  for (const conn of due) {
    due.delete(conn);
    (Object.getPrototypeOf(conn) as EngineConnection).flush.call(conn);
  }
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
 * Batches what the hub writes to a client. engine.io flushes every packet as it is queued, so a
 * command's reply and the event it caused, or a burst of events to one crew socket, each became a
 * WebSocket frame and a `writev` of its own (loopback system calls were the largest single cost
 * in fan-out). Here a connection's packets are flushed once per event-loop turn, after the turn's
 * I/O callbacks (setImmediate), and the TCP socket is corked while a batch's frames are written,
 * so a batch is one system call. Order is kept (one queue per connection); the wait is the rest
 * of the current turn, not a timer.
 */
export function batchFrames(engine: EngineServer): void {
  engine.on('connection', (conn) => {
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
