import { Inject, Injectable } from '@nestjs/common';
import { DeliveryService } from '../delivery/delivery.service.js';
import { SESSION_REGISTRY } from '../engine/engine.tokens.js';
import type { SessionRegistry } from '../engine/session-registry.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { Rooms } from '../routing/rooms.js';
import type { Link } from '../session/link.js';
import { RUNTIME, type Session } from '../session/session.js';
import { HubException } from '../util/hub.exception.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { AuthError } from './auth.error.js';
import { JwtVerifier } from './jwt-verifier.service.js';

/** setTimeout's ceiling; longer token lifetimes re-arm the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A connection's token after the handshake: it ends the connection when the token expires
 * (TOKEN_EXPIRED), and `auth.refresh` replaces the token with a new one of the same user, role
 * and tenant, moving a crew session to its new station's room.
 */
@Injectable()
export class TokenLifetime {
  constructor(
    @InjectLogger(TokenLifetime.name) private readonly logger: HubLogger,
    @Inject(SESSION_REGISTRY) private readonly sessions: SessionRegistry,
    private readonly delivery: DeliveryService,
    private readonly metrics: MetricsService,
    private readonly verifier: JwtVerifier,
  ) {}

  /** auth.refresh: a new token for the same user, role and tenant replaces the old one. */
  async refresh(link: Link, token: string): Promise<{ exp: number }> {
    const session = link.session;
    let claims;
    try {
      claims = await this.verifier.verify(token, session.role);
    } catch (err) {
      if (err instanceof AuthError) {
        this.metrics.authFailures.inc({ code: err.code });
        throw new HubException(err.code, err.message);
      }
      throw err;
    }
    if (claims.sub !== session.userId || claims.tenantId !== session.tenantId) {
      this.metrics.authFailures.inc({ code: 'FORBIDDEN' });
      throw new HubException('FORBIDDEN', 'the new token must carry the same sub, role and tenantId');
    }
    const revokedAt = await this.sessions.revokedAt(session.userKey);
    if (this.verifier.revokedBy(claims, revokedAt)) {
      this.metrics.authFailures.inc({ code: 'UNAUTHORIZED' });
      throw new HubException('UNAUTHORIZED', 'this token has been revoked');
    }
    session.claims = claims;
    if (session.role === 'crew' && session.crewRole !== claims.crewRole) {
      // A new station: its order events from now on, not the old one's.
      link.leave(Rooms.station(session.tenantId, session.crewRole ?? 'all'));
      link.join(Rooms.station(session.tenantId, claims.crewRole ?? 'all'));
    }
    session.crewRole = claims.crewRole;
    this.arm(link);
    return { exp: claims.exp };
  }

  /** Ends the connection when its token expires (again after every refresh). */
  arm(link: Link): void {
    const session = link.session;
    const runtime = session[RUNTIME];
    clearTimeout(runtime.expiryTimer);
    const left = session.claims.exp * 1000 - Date.now();
    if (left <= 0) return this.expire(link);
    runtime.expiryTimer = setTimeout(
      () => (left > MAX_TIMER_MS ? this.arm(link) : this.expire(link)),
      Math.min(left, MAX_TIMER_MS),
    );
    runtime.expiryTimer.unref();
  }

  /** The connection has gone: no timer, and commands still on their way are refused (SessionGuard). */
  ended(session: Session): void {
    clearTimeout(session[RUNTIME].expiryTimer);
    session[RUNTIME].ended = true;
  }

  private expire(link: Link): void {
    this.delivery.emitTo(link, 'system.error', {
      code: 'TOKEN_EXPIRED',
      message: 'the token expired; reconnect with a new one',
    });
    this.logger.debug({ sessionId: link.session.sessionId }, 'token expired');
    link.close();
  }
}
