import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '@orderwire/contracts';
import { newUlid } from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DrainState } from '../util/drain.state.js';
import { background } from '../util/background.js';
import { KeyedBuckets } from '../util/token-bucket.js';
import type { HubSocket } from '../transport/hub-server.js';
import { SESSION_REGISTRY } from '../engine/engine.tokens.js';
import type { SessionRegistry } from '../engine/session-registry.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { userKey } from '../routing/rooms.js';
import { AuthError } from './auth.error.js';
import { clientAddress } from '../transport/raw-sessions.js';
import { RUNTIME } from '../session/session.js';
import { JwtVerifier } from './jwt-verifier.service.js';
import { OriginPolicy } from './origin.policy.js';

type Next = (err?: Error) => void;

/**
 * Socket.IO middleware on each role namespace (Nest guards do not run on connection,
 * nestjs/nest#9231). Every refusal reaches the client as `connect_error` with `data.code`.
 */
@Injectable()
export class HandshakeMiddleware {
  private readonly perIp: KeyedBuckets;

  constructor(
    @InjectLogger(HandshakeMiddleware.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SESSION_REGISTRY) private readonly sessions: SessionRegistry,
    private readonly verifier: JwtVerifier,
    private readonly origins: OriginPolicy,
    private readonly metrics: MetricsService,
    private readonly drain: DrainState,
  ) {
    const rate = config.limits.handshakesPerIpPerSecond;
    this.perIp = new KeyedBuckets(rate, rate);
  }

  for(role: Role): (socket: HubSocket, next: Next) => void {
    return (socket, next) => {
      this.authenticate(role, socket).then(
        () => next(),
        (err: unknown) => {
          // Anything but a refusal is the hub's own trouble (its storage, say), not the client's
          // token: "retry later", never UNAUTHORIZED, which would make a client fetch a new
          // token or give up (the chaos suite's Redis restart found this).
          const refusal =
            err instanceof AuthError
              ? err
              : new AuthError(
                  'TOO_MANY_CONNECTIONS',
                  'the hub cannot complete handshakes right now; retry later',
                );
          if (!(err instanceof AuthError)) this.logger.error({ err }, 'handshake failed');
          this.metrics.authFailures.inc({ code: refusal.code });
          this.logger.debug(
            { namespace: role, code: refusal.code, ip: socket.handshake.address },
            'handshake refused',
          );
          next(refusal);
        },
      );
    };
  }

  private async authenticate(role: Role, socket: HubSocket): Promise<void> {
    const started = performance.now();
    const { handshake } = socket;
    if (this.drain.draining) throw new AuthError('TOO_MANY_CONNECTIONS', 'this node is draining; reconnect');
    if (!this.origins.allows(handshake.headers.origin)) {
      throw new AuthError('FORBIDDEN', 'this origin is not allowed');
    }
    const ip = this.clientIp(socket);
    if (this.perIp.take(ip) > 0) {
      this.metrics.rateLimited.inc({ scope: 'handshake' });
      throw new AuthError('RATE_LIMITED', 'too many handshakes from this address');
    }
    if (handshake.query && 'token' in handshake.query) {
      throw new AuthError('UNAUTHORIZED', 'tokens in the query string are refused; use auth.token');
    }
    const auth = (handshake.auth ?? {}) as Record<string, unknown>;
    const claims = this.verifier.verify(auth.token ?? bearer(handshake.headers.authorization), role);
    const key = userKey(claims.role, claims.tenantId, claims.sub);
    const revokedAt = await this.sessions.revokedAt(key);
    if (this.verifier.revokedBy(claims, revokedAt)) {
      throw new AuthError('UNAUTHORIZED', 'this token has been revoked');
    }
    const sessionId = newUlid();
    const entry = { sessionId, userKey: key, tenantId: claims.tenantId, role };
    const registered = await this.sessions.register(entry, {
      perUser: this.config.limits.sessionsPerUser,
      perTenant: this.config.limits.sessionsPerTenant,
    });
    if (!registered.ok) {
      throw new AuthError(
        'TOO_MANY_CONNECTIONS',
        registered.reason === 'user'
          ? 'this user has too many sessions'
          : 'this tenant has too many sessions',
      );
    }
    socket.data.session = {
      sessionId,
      userId: claims.sub,
      role,
      tenantId: claims.tenantId,
      crewRole: claims.crewRole,
      userKey: key,
      claims,
      handshakeAt: started,
      cursor: typeof auth.cursor === 'string' && auth.cursor.length <= 256 ? auth.cursor : undefined,
      [RUNTIME]: {},
    };
    // A socket that passes here but whose transport closes before it connects never sees
    // `disconnect`: release its place when the connection goes.
    socket.conn.once('close', () => {
      if (!socket.connected) background(this.logger, 'session release', this.sessions.unregister(entry));
    });
  }

  private clientIp(socket: HubSocket): string {
    return clientAddress(socket.request, this.config.http.trustProxy);
  }
}

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}
