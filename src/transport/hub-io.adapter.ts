import { type INestApplicationContext, Logger } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { clientAddress, laterRequestOf, RawSessions } from './raw-sessions.js';
import type { AppConfig } from '../config/app-config.js';
import type { SocketAdapterFactory } from '../engine/engine.tokens.js';
import { batchFrames, type EngineServer } from './frame-batching.js';
import { hubParser } from './hub-parser.js';
import { TransportPatches } from './patches.js';
import { track as trackGranted } from './cumulative-acks.js';
import type { HubSocket } from './hub-server.js';

type RawConn = Parameters<RawSessions['opened']>[0];

/**
 * Command handlers bound without Nest's per-call wrapping, under the rules the gateways declare
 * (commands/command-lane.ts implements it). A handler it returns undefined for keeps Nest's.
 */
export interface CommandLanes {
  handler(
    namespace: string,
    message: string,
  ): ((client: unknown, data: unknown, ack: unknown) => Promise<unknown>) | undefined;
}

/** Which browser origins may connect (auth/origin.policy.ts implements it from CORS_ORIGINS). */
export interface Origins {
  cors(): ServerOptions['cors'];
  allows(origin: string | undefined): boolean;
}

/**
 * The Socket.IO server of the hub, configured from AppConfig (gateways carry no options of
 * their own). The memory engine keeps Socket.IO's in-memory adapter; the redis engine plugs its
 * cluster adapter in here.
 */
export class HubIoAdapter extends IoAdapter {
  private readonly log = new Logger(HubIoAdapter.name);
  private readonly raw: RawSessions;

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly origins: Origins,
    private readonly clusterAdapter: SocketAdapterFactory,
    /** Tells a socket why it is being shed for not reading (it is closed right after). */
    private readonly onSlowConsumer: (socket: Socket, queuedBytes: number) => void = () => undefined,
    private readonly lanes?: CommandLanes,
    private readonly patches: TransportPatches = new TransportPatches(config.ws.patches),
  ) {
    super(app);
    const { limits, http } = config;
    this.raw = new RawSessions(
      limits.rawSessionsPerIp,
      limits.handshakesPerIpPerSecond,
      limits.connectTimeoutMs,
      (req) => clientAddress(req, http.trustProxy),
    );
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const { ws } = this.config;
    const server = super.createIOServer(port, {
      ...options,
      path: ws.path,
      transports: ws.transports,
      pingInterval: ws.pingIntervalMs,
      pingTimeout: ws.pingTimeoutMs,
      maxHttpBufferSize: ws.maxHttpBufferSize,
      ...(this.clusterAdapter ? { adapter: this.clusterAdapter } : {}),
      // socket.io-parser's decoder unless `ack-decoder` may read its acks itself.
      parser: hubParser(this.patches.has('ack-decoder')),
      serveClient: false,
      perMessageDeflate: false,
      httpCompression: false,
      cors: this.origins.cors(),
      // A session that has not joined a namespace by then is closed (Socket.IO's default: 45 s).
      connectTimeout: this.config.limits.connectTimeoutMs,
      allowRequest: (req, callback) => {
        const refusal = this.raw.refusal(req);
        if (refusal) this.log.debug({ refusal }, 'engine handshake refused');
        callback(refusal ?? null, refusal === undefined);
      },
    } as ServerOptions) as Server;
    server.engine.on('connection', (conn: RawConn) => this.raw.opened(conn));
    server.on('new_namespace', (nsp) =>
      nsp.on('connection', (socket: Socket) => {
        this.raw.joined(socket.conn);
        this.trackSocket(socket);
      }),
    );
    // The first request of a session is judged by the namespace middleware, which answers with a
    // protocol code, and later polling requests are held to CORS by the browser. The upgrade of a
    // session to WebSocket, which CORS does not cover, is checked here: engine.io calls
    // `allowRequest` only for requests without a sid, while its middlewares run for every
    // request, upgrades included.
    server.engine.use((req: IncomingMessage, _res: unknown, next: (err?: Error) => void) =>
      next(this.laterRequestAllowed(req) ? undefined : new Error('origin not allowed')),
    );
    const { slowConsumer } = this.config.limits;
    batchFrames(
      server.engine as unknown as EngineServer,
      {
        ...slowConsumer,
        onSlow: (conn, bytes) => {
          for (const socket of this.socketsOf.get(conn) ?? []) this.onSlowConsumer(socket, bytes);
        },
      },
      { frames: this.patches.has('frame-batching'), backlog: this.patches.has('engine-backlog') },
    );
    return server;
  }

  /** The namespace sockets of each engine connection, for the slow-consumer goodbye. */
  private readonly socketsOf = new WeakMap<object, Set<Socket>>();

  private trackSocket(socket: Socket): void {
    let sockets = this.socketsOf.get(socket.conn);
    if (!sockets) this.socketsOf.set(socket.conn, (sockets = new Set()));
    sockets.add(socket);
    socket.once('disconnect', () => sockets.delete(socket));
    // Protocol 1.1: a namespace without granted sockets skips looking for them (cumulative-acks.ts).
    trackGranted(socket as HubSocket);
  }

  /**
   * Nest's IoAdapter keeps an rxjs pipeline (fromEvent, mergeMap, takeUntil) per handler per
   * socket for the socket's whole life, which tripled the heap of an idle connection. This binds
   * plain listeners instead, with the same semantics: the handler's result (value, promise or
   * observable) is the ack reply, `{ event, data }` is emitted, nothing is sent for nil. A
   * command the lanes take is called through them instead of Nest's per-call callback.
   */
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    _transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      const lane = this.lanes?.handler(socket.nsp.name, message as string);
      const call = callback as (data: unknown, ack: unknown) => unknown;
      socket.on(
        message as string,
        lane
          ? this.listener(socket, lane, undefined, isAckHandledManually)
          : this.listener(socket, undefined, call, isAckHandledManually),
      );
    }
  }

  /**
   * One event's listener on one socket. Made apart from the loop above so that a laned handler's
   * listener does not keep Nest's bound callback alive for the socket's whole life.
   */
  private listener(
    socket: Socket,
    lane: ((socket: Socket, data: unknown, ack: unknown) => Promise<unknown>) | undefined,
    callback: ((data: unknown, ack: unknown) => unknown) | undefined,
    isAckHandledManually: boolean | undefined,
  ): (...payload: unknown[]) => void {
    return (...payload) => {
      const { data, ack } = this.mapPayload(payload);
      void this.run(
        socket,
        lane ? () => lane(socket, data, ack) : () => callback!(data, ack),
        ack as ((reply: unknown) => void) | undefined,
        isAckHandledManually,
      );
    };
  }

  private async run(
    socket: Socket,
    invoke: () => unknown,
    ack: ((reply: unknown) => void) | undefined,
    isAckHandledManually: boolean | undefined,
  ): Promise<void> {
    try {
      let response = await invoke();
      if (isObservable(response)) response = await lastValueFrom(response, { defaultValue: undefined });
      if (response === undefined || response === null) return;
      const evented = response as { event?: string; data?: unknown };
      if (evented.event) {
        socket.emit(evented.event, evented.data);
        return;
      }
      if (!isAckHandledManually && typeof ack === 'function') ack(response);
    } catch (err) {
      // The exception filter answers every command; reaching here is a bug in a filter.
      this.log.error(err);
    }
  }

  private laterRequestAllowed(req: IncomingMessage): boolean {
    const later = laterRequestOf(req.url);
    return later?.transport !== 'websocket' || this.origins.allows(req.headers.origin);
  }
}
