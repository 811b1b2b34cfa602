import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { of } from 'rxjs';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { AppConfig } from '../config/app-config.js';
import { HubIoAdapter, type Origins } from './hub-io.adapter.js';

/**
 * HubIoAdapter.bindMessageHandlers replaces the rxjs pipeline of @nestjs/platform-socket.io's
 * IoAdapter (its public `bindMessageHandlers` and `mapPayload`) with plain listeners. Against a real Socket.IO server and client,
 * it must keep Nest's semantics: the handler's value, promise or observable is the ack reply,
 * `{ event, data }` is emitted instead, nothing is sent for nil, and a handler that throws does
 * not silence the event for the next call.
 */
describe('HubIoAdapter message handlers, against the installed Nest IoAdapter', () => {
  let http: HttpServer;
  let server: Server;
  let client: ClientSocket;
  let calls = 0;

  beforeAll(async () => {
    http = createServer();
    server = new Server(http);
    const origins: Origins = { cors: () => undefined, allows: () => true };
    const config = {
      http: { trustProxy: false },
      limits: {},
      ws: { patches: 'auto' },
    } as unknown as AppConfig;
    const adapter = new HubIoAdapter(http as never, config, origins, undefined);
    /** Handlers as Nest hands them over; Nest's own type wants promises or observables only. */
    const handler = (message: string, callback: (data: unknown) => unknown): MessageMappingProperties => ({
      message,
      methodName: message,
      callback: callback as MessageMappingProperties['callback'],
      isAckHandledManually: false,
    });
    const handlers: MessageMappingProperties[] = [
      handler('value', (data) => ({ echoed: data })),
      handler('promise', () => Promise.resolve({ later: true })),
      handler('observable', () => of({ streamed: 1 }, { streamed: 2 })),
      handler('evented', () => ({ event: 'told', data: { x: 1 } })),
      handler('nil', () => undefined),
      handler('flaky', () => {
        if (++calls === 1) throw new Error('first call fails');
        return { second: true };
      }),
    ];
    server.on('connection', (socket) => adapter.bindMessageHandlers(socket, handlers, (d) => of(d)));
    await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
    const { port } = http.address() as AddressInfo;
    client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
    await new Promise<void>((ok) => client.once('connect', () => ok()));
  });

  afterAll(async () => {
    client.disconnect();
    await new Promise<void>((ok) => void server.close(() => ok()));
  });

  const ask = (event: string, data?: unknown): Promise<unknown> =>
    client.timeout(500).emitWithAck(event, data) as Promise<unknown>;

  it('acks with the value, the resolved promise, or the last value of an observable', async () => {
    expect(await ask('value', { a: 1 })).toEqual({ echoed: { a: 1 } });
    expect(await ask('promise')).toEqual({ later: true });
    expect(await ask('observable')).toEqual({ streamed: 2 });
  });

  it('emits `{ event, data }` as an event, and sends nothing for nil', async () => {
    const told = new Promise((ok) => client.once('told', ok));
    client.emit('evented');
    expect(await told).toEqual({ x: 1 });
    await expect(ask('nil')).rejects.toThrow();
  });

  it('keeps serving an event after its handler threw once', async () => {
    await expect(ask('flaky')).rejects.toThrow();
    expect(await ask('flaky')).toEqual({ second: true });
  });
});
