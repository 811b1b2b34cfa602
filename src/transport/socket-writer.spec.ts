import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { RUNTIME } from '../session/session.js';
import type { HubNamespace } from './hub-server.js';
import { type AckingSocket, eachSocket, SocketIoWriter } from './socket-writer.js';
import { linkOf } from './socket-link.js';

/**
 * SocketIoWriter against the installed socket.io and socket.io-adapter, with real clients, with
 * the `socket-acks` patch (Socket.IO's private `socket.acks`, a Map in write order) and with its
 * fallback (the writer's own record): both must behave the same to delivery.
 */
describe.each([
  ['with the socket-acks patch', true],
  ['with its fallback (the writer records what is owed)', false],
])('SocketIoWriter on the installed Socket.IO, %s', (_label, socketAcks) => {
  let http: HttpServer;
  let server: Server;
  let nsp: HubNamespace;
  let writer: SocketIoWriter;
  const clients: Record<string, ClientSocket> = {};
  const serverIds: Record<string, string> = {};
  /** Whether each client acknowledges what it receives. */
  const acking: Record<string, boolean> = { alice: true, bob: false };
  const received: Record<string, string[]> = { alice: [], bob: [] };

  beforeAll(async () => {
    http = createServer();
    server = new Server(http);
    nsp = server.of('/customer') as unknown as HubNamespace;
    nsp.use((socket, next) => {
      const user = socket.handshake.auth.user as string;
      socket.data.session = {
        userKey: `customer|r-1|${user}`,
        userId: user,
        tenantId: 'r-1',
        role: 'customer',
        [RUNTIME]: {},
      } as never;
      void socket.join(['t:r-1', `u:r-1:${user}`]);
      next();
    });
    await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
    const { port } = http.address() as AddressInfo;
    writer = new SocketIoWriter(() => nsp, socketAcks);
    for (const user of ['alice', 'bob']) {
      const c = connect(`http://127.0.0.1:${port}/customer`, {
        auth: { user },
        transports: ['websocket'],
        forceNew: true,
      });
      c.onAny((_type: string, body: { id: string }, ack?: () => void) => {
        received[user].push(body.id);
        if (acking[user]) ack?.();
      });
      await new Promise<void>((ok) => c.once('connect', () => ok()));
      clients[user] = c;
    }
    for (const [id, socket] of nsp.sockets)
      serverIds[(socket.data.session as { userId: string }).userId] = id;
  });

  afterAll(async () => {
    for (const c of Object.values(clients)) c.disconnect();
    await new Promise<void>((ok) => void server.close(() => ok()));
  });

  const until = async (ok: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(ok()).toBe(true);
  };

  it('reaches the user keys of the sockets in the rooms, passing `except` by', () => {
    const into = new Set<string>();
    expect(writer.reach('customer', new Set(['t:r-1']), new Set([serverIds.bob]), into)).toBe(1);
    expect([...into]).toEqual(['customer|r-1|alice']);
  });

  it("finds the same sockets from the public room map as socket.io-adapter's private apply", () => {
    const apply = (nsp.adapter as unknown as { apply?: (o: object, cb: (s: { id: string }) => void) => void })
      .apply;
    const cases: Array<[string[], string[]]> = [
      [['t:r-1'], []],
      [['t:r-1'], [serverIds.bob]],
      [['u:r-1:alice', 't:r-1'], []],
      [['u:r-1:alice', 'u:r-1:bob'], ['u:r-1:alice']],
      [[], [serverIds.alice]],
      [['nobody'], []],
    ];
    for (const [rooms, except] of cases) {
      const ours: string[] = [];
      eachSocket(nsp, new Set(rooms), new Set(except), (socket) => ours.push(socket.id));
      if (!apply) continue; // the private is gone: nothing to compare with
      const theirs: string[] = [];
      apply.call(nsp.adapter, { rooms: new Set(rooms), except: new Set(except) }, (socket) =>
        theirs.push(socket.id),
      );
      expect([rooms, except, ours]).toEqual([rooms, except, theirs]);
    }
  });

  it('broadcasts once with one packet id, reports each ack with it, and keeps the unacked ones in write order', async () => {
    const acks: Array<[AckingSocket, number | undefined]> = [];
    const first = writer.broadcast(
      'customer',
      new Set(['t:r-1']),
      new Set(),
      ['notification', { id: 'n1' }],
      (from, packetId) => acks.push([from, packetId]),
    );
    const second = writer.broadcast(
      'customer',
      new Set(['t:r-1']),
      new Set(),
      ['notification', { id: 'n2' }],
      () => {},
    );
    expect(first.written).toBe(2);
    expect(typeof first.packetId).toBe('number');
    expect(second.packetId).toBeGreaterThan(first.packetId!);
    await until(() => acks.length === 1 && received.bob.length === 2);
    const [from, packetId] = acks[0];
    expect(packetId).toBe(first.packetId);
    expect(from).toMatchObject({
      id: serverIds.alice,
      userKey: 'customer|r-1|alice',
      userRoom: 'u:r-1:alice',
    });
    // Bob never acks: he owes both, oldest first; Alice owes nothing.
    expect([...writer.owedAcks('customer', serverIds.bob)!.keys()]).toEqual([
      first.packetId,
      second.packetId,
    ]);
    expect(writer.owedAcks('customer', serverIds.alice)!.size).toBe(0);
    writer.dropAcks('customer', [serverIds.bob, serverIds.alice], [first.packetId!]);
    expect([...writer.owedAcks('customer', serverIds.bob)!.keys()]).toEqual([second.packetId]);
    expect(writer.owedAcks('customer', serverIds.alice)!.size).toBe(0);
  });

  it('writes to one socket with an ack callback, and finds sockets by user and room', async () => {
    const socket = nsp.sockets.get(serverIds.alice)!;
    const acks: Array<number | undefined> = [];
    writer.write(linkOf(socket), ['notification', { id: 'r1' }], (_from, packetId) => acks.push(packetId));
    await until(() => acks.length === 1);
    expect(acks).toEqual([undefined]);
    expect(received.alice).toContain('r1');
    expect(writer.socketsOf('customer|r-1|alice')).toEqual({
      role: 'customer',
      room: 'u:r-1:alice',
      ids: new Set([serverIds.alice]),
    });
    expect(writer.members('customer', 't:r-1')).toEqual(new Set([serverIds.alice, serverIds.bob]));
    expect(writer.ackTracking('customer', 'nobody')).toBeUndefined();
  });
});
