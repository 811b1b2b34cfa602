import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import {
  batchFrames,
  type EngineConnection,
  type FramePatches,
  type EngineServer,
  queuedBytes,
  waitForRoom,
} from './frame-batching.js';

/**
 * Just the parts of an engine.io connection that the batching and the slow-consumer check use,
 * with engine.io's public events (`packetCreate` as a packet is queued, `flush` as the queue is
 * handed to the transport).
 */
class EngineProto extends EventEmitter {
  /** engine.io's own flush: hands the queue to the transport when it is writable. */
  flush(this: FakeConn): void {
    if (!this.transport.writable || this.writeBuffer.length === 0) return;
    this.emit('flush', this.writeBuffer);
    this.transport.send(this.writeBuffer);
    this.writeBuffer = [];
  }
}
class FakeConn extends EngineProto {
  writeBuffer: Array<{ data?: string }> = [];
  readyState = 'open';
  closed: boolean | undefined;
  sent: Array<{ data?: string }> = [];
  transport = {
    name: 'websocket',
    writable: false,
    socket: { bufferedAmount: 0, terminate: () => (this.terminated = true) },
    send: (packets: Array<{ data?: string }>) => this.sent.push(...packets),
  };
  terminated = false;
  /** The request it was opened with: a WebSocket from the start, so its TCP socket's. */
  destroyed = false;
  request = { socket: { destroy: () => (this.destroyed = true) } };
  close(discard?: boolean): void {
    this.closed = discard ?? false;
    this.readyState = discard ? 'closed' : 'closing';
  }
  /** engine.io's sendPacket. */
  push(bytes: number | string): void {
    const packet = { data: typeof bytes === 'string' ? bytes : 'x'.repeat(bytes) };
    this.emit('packetCreate', packet);
    this.writeBuffer.push(packet);
    (this as unknown as EngineConnection).flush();
  }
}

const turn = () => new Promise((r) => setImmediate(r));

function setUp(
  policy: { maxBytes: number; softBytes: number; softMs: number },
  patches: FramePatches = { frames: true, backlog: true },
) {
  const engine = new EventEmitter();
  const shed: number[] = [];
  batchFrames(
    engine as unknown as EngineServer,
    {
      ...policy,
      closeGraceMs: 10,
      onSlow: (conn, bytes) => {
        shed.push(bytes);
        (conn as unknown as FakeConn).push('goodbye');
      },
    },
    patches,
  );
  const conn = new FakeConn();
  engine.emit('connection', conn);
  return { conn, shed };
}

describe('frame batching: the slow-consumer bound', () => {
  it('counts what engine.io holds (from its public events), plus what the WebSocket has not handed to the kernel', () => {
    const { conn } = setUp({ maxBytes: 1e9, softBytes: 1e9, softMs: 60_000 });
    conn.push('abc');
    conn.push('de');
    conn.transport.socket.bufferedAmount = 100;
    expect(queuedBytes(conn as unknown as EngineConnection)).toBe(105);
    conn.push('fgh');
    expect(queuedBytes(conn as unknown as EngineConnection)).toBe(108);
    conn.transport.writable = true;
    (EngineProto.prototype.flush as (this: FakeConn) => void).call(conn); // engine.io flushed
    expect(queuedBytes(conn as unknown as EngineConnection)).toBe(100);
  });

  it("without engine-backlog: the same count without the WebSocket's bytes, and a shed socket is closed without its internals", async () => {
    const { conn, shed } = setUp(
      { maxBytes: 1000, softBytes: 500, softMs: 60_000 },
      { frames: true, backlog: false },
    );
    conn.transport.socket.bufferedAmount = 100;
    conn.push(600);
    expect(queuedBytes(conn as unknown as EngineConnection)).toBe(600);
    await turn();
    conn.push(600);
    await turn();
    expect(shed).toEqual([1200]);
    expect(conn.sent).toEqual([]); // the busy WebSocket is not written to behind engine.io's back
    expect(conn.writeBuffer.at(-1)).toEqual({ data: 'goodbye' }); // last in engine.io's queue
    expect(conn.closed).toBe(false); // closing: after the queue is read…
    await new Promise((r) => setTimeout(r, 30));
    expect(conn.closed).toBe(true); // …or, past the grace, with the queue dropped…
    expect(conn.destroyed).toBe(true); // …and its TCP socket, from the request, not ws
    expect(conn.terminated).toBe(false);
  });

  it('without frame-batching: engine.io flushes each packet itself, and the bound is still checked each turn', async () => {
    const { conn, shed } = setUp(
      { maxBytes: 1000, softBytes: 500, softMs: 60_000 },
      { frames: false, backlog: true },
    );
    expect(Object.hasOwn(conn, 'flush')).toBe(false);
    conn.transport.writable = true;
    conn.push(10);
    expect(conn.sent).toHaveLength(1); // flushed at once, not at the turn's end
    conn.transport.writable = false;
    conn.push(600);
    conn.push(600);
    expect(shed).toEqual([]);
    await turn();
    expect(shed).toEqual([1200]);
    expect(conn.closed).toBe(true);
  });

  it('sheds a connection past maxBytes after the turn flush: goodbye straight to the busy transport, closed, TCP destroyed after the grace', async () => {
    const { conn, shed } = setUp({ maxBytes: 1000, softBytes: 500, softMs: 60_000 });
    conn.push(600);
    await turn();
    expect(shed).toEqual([]);
    conn.push(600);
    await turn();
    expect(shed).toEqual([1200]);
    expect(conn.sent.map((p) => p.data)).toEqual(['goodbye']);
    expect(conn.closed).toBe(true);
    expect(conn.terminated).toBe(false);
    await new Promise((r) => setTimeout(r, 30));
    expect(conn.terminated).toBe(true);
  });

  it('sheds a connection above softBytes at every flush for softMs, and not one that caught up in between', async () => {
    const { conn, shed } = setUp({ maxBytes: 1_000_000, softBytes: 500, softMs: 50 });
    conn.push(600);
    await turn();
    await new Promise((r) => setTimeout(r, 60));
    conn.transport.writable = true; // it caught up: engine.io handed its queue over
    (EngineProto.prototype.flush as (this: FakeConn) => void).call(conn);
    conn.transport.writable = false;
    conn.sent = [];
    conn.push(10);
    await turn();
    conn.push(600);
    await turn();
    expect(shed).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    conn.push(10);
    await turn();
    expect(shed).toEqual([620]);
  });

  it('waitForRoom resolves once the queue is small enough, false once the connection closed', async () => {
    const { conn } = setUp({ maxBytes: 1e9, softBytes: 1e9, softMs: 60_000 });
    conn.transport.socket.bufferedAmount = 1000;
    const waiting = waitForRoom(conn as unknown as EngineConnection, 500, 1);
    setTimeout(() => (conn.transport.socket.bufferedAmount = 100), 10);
    expect(await waiting).toBe(true);
    conn.transport.socket.bufferedAmount = 1000;
    const closing = waitForRoom(conn as unknown as EngineConnection, 500, 1);
    setTimeout(() => (conn.readyState = 'closed'), 10);
    expect(await closing).toBe(false);
  });
});
