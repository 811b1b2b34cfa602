import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import {
  batchFrames,
  type EngineConnection,
  type EngineServer,
  queuedBytes,
  waitForRoom,
} from './frame-batching.js';

/** Just the parts of an engine.io connection that the batching and the slow-consumer check use. */
class FakeConn {
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
  /** engine.io's own flush: hands the queue to the transport when it is writable. */
  flush(): void {
    if (!this.transport.writable || this.writeBuffer.length === 0) return;
    this.transport.send(this.writeBuffer);
    this.writeBuffer = [];
  }
  close(discard?: boolean): void {
    this.closed = discard;
    this.readyState = 'closed';
  }
  once(): void {}
  push(bytes: number): void {
    this.writeBuffer.push({ data: 'x'.repeat(bytes) });
    (this as unknown as EngineConnection).flush();
  }
}

const turn = () => new Promise((r) => setImmediate(r));

function setUp(policy: { maxBytes: number; softBytes: number; softMs: number }) {
  const engine = new EventEmitter();
  const shed: number[] = [];
  batchFrames(engine as unknown as EngineServer, {
    ...policy,
    closeGraceMs: 10,
    onSlow: (conn, bytes) => {
      shed.push(bytes);
      (conn as unknown as FakeConn).writeBuffer.push({ data: 'goodbye' });
    },
  });
  const conn = new FakeConn();
  engine.emit('connection', conn);
  return { conn, shed };
}

describe('frame batching: the slow-consumer bound', () => {
  it('counts what engine.io holds once per packet, plus what the WebSocket has not handed to the kernel', () => {
    const conn = new FakeConn();
    conn.writeBuffer.push({ data: 'abc' }, { data: 'de' }, {});
    conn.transport.socket.bufferedAmount = 100;
    expect(queuedBytes(conn as unknown as EngineConnection)).toBe(105);
    conn.writeBuffer.push({ data: 'fgh' });
    expect(queuedBytes(conn as unknown as EngineConnection)).toBe(108);
    conn.writeBuffer = []; // engine.io flushed: a new array
    expect(queuedBytes(conn as unknown as EngineConnection)).toBe(100);
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
    conn.writeBuffer = []; // it caught up
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
    const conn = new FakeConn();
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
