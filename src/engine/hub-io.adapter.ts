import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import type { OriginPolicy } from '../auth/origin.policy.js';
import type { AppConfig } from '../config/app-config.js';

/**
 * The Socket.IO server of the hub, configured from AppConfig (gateways carry no options of
 * their own). The memory engine keeps Socket.IO's in-memory adapter; the redis engine plugs its
 * cluster adapter in here.
 */
export class HubIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly origins: OriginPolicy,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const { ws } = this.config;
    return super.createIOServer(port, {
      ...options,
      path: ws.path,
      transports: ws.transports,
      pingInterval: ws.pingIntervalMs,
      pingTimeout: ws.pingTimeoutMs,
      maxHttpBufferSize: ws.maxHttpBufferSize,
      serveClient: false,
      perMessageDeflate: false,
      httpCompression: false,
      cors: { origin: this.origins.corsOrigin(), credentials: true },
      // The first request of a session is judged by the namespace middleware, which answers
      // with a protocol code; a later WebSocket upgrade from another origin is refused here.
      allowRequest: (req, callback) => callback(null, this.upgradeAllowed(req)),
    } as ServerOptions);
  }

  private upgradeAllowed(req: IncomingMessage): boolean {
    if (!req.url?.includes('sid=')) return true;
    return this.origins.allows(req.headers.origin);
  }
}
