import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '@orderwire/contracts';
import { Handshake } from '../auth/handshake.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { HubSocket } from '../transport/hub-server.js';
import { clientAddress } from '../transport/raw-sessions.js';

type Next = (err?: Error) => void;

/**
 * The Socket.IO middleware of each role namespace: reads the handshake (origin, address, auth,
 * headers), has auth admit it (auth/handshake.ts), and keeps the session on the socket. Every
 * refusal reaches the client as `connect_error` with `data.code`.
 */
@Injectable()
export class HandshakeMiddleware {
  constructor(
    private readonly handshake: Handshake,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  for(role: Role): (socket: HubSocket, next: Next) => void {
    return (socket, next) => {
      const { handshake } = socket;
      const ip = clientAddress(socket.request, this.config.http.trustProxy);
      const facts = {
        origin: handshake.headers.origin,
        ip,
        queryToken: !!handshake.query && 'token' in handshake.query,
        auth: (handshake.auth ?? {}) as Record<string, unknown>,
        authorization: handshake.headers.authorization,
      };
      this.handshake.admit(role, facts).then(
        ({ session, release }) => {
          socket.data.session = session;
          // A socket that passes here but whose transport closes before it connects never sees
          // `disconnect`: release its place when the connection goes.
          socket.conn.once('close', () => {
            if (!socket.connected) release();
          });
          next();
        },
        (err: unknown) => next(this.handshake.refusal(err, role, ip)),
      );
    };
  }
}
