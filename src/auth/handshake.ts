import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '@orderwire/contracts';
import { ALL_TENANTS, newUlid } from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DrainState } from '../util/drain.state.js';
import { background } from '../util/background.js';
import { KeyedBuckets } from '../util/token-bucket.js';
import { SESSION_REGISTRY } from '../engine/engine.tokens.js';
import type { SessionRegistry } from '../engine/session-registry.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { userKey } from '../routing/rooms.js';
import { RUNTIME, type Session } from '../session/session.js';
import { AuthError } from './auth.error.js';
import { JwtVerifier } from './jwt-verifier.service.js';
import { OriginPolicy } from './origin.policy.js';

/** What a connection's handshake says, as the gateways' middleware reads it from Socket.IO. */
export interface HandshakeFacts {
  origin: string | undefined;
  /** The client's address (behind a trusted proxy, the one it names). */
  ip: string;
  /** Whether the query string carries a `token` (refused: it ends up in access logs). */
  queryToken: boolean;
  /** Socket.IO's `auth` payload: `token`, `cursor`, `acks` (protocol 1.1). */
  auth: Record<string, unknown>;
  authorization: string | undefined;
}

/** An admitted connection: its session, registered; `release` gives its place back. */
export interface Admitted {
  session: Session;
  release(): void;
}

/**
 * Who may open a connection to a role's namespace (Nest guards do not run on connection,
 * nestjs/nest#9231): the node is not draining, the origin is allowed, the address is under its
 * handshake rate, the token is valid for the role and not revoked, and the user and tenant are
 * under their session caps. Every refusal is an AuthError with a protocol code.
 */
@Injectable()
export class Handshake {
  private readonly perIp: KeyedBuckets;

  constructor(
    @InjectLogger(Handshake.name) private readonly logger: HubLogger,
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

  async admit(role: Role, facts: HandshakeFacts): Promise<Admitted> {
    const started = performance.now();
    if (this.drain.draining) throw new AuthError('TOO_MANY_CONNECTIONS', 'this node is draining; reconnect');
    if (!this.origins.allows(facts.origin)) throw new AuthError('FORBIDDEN', 'this origin is not allowed');
    if (this.perIp.take(facts.ip) > 0) {
      this.metrics.rateLimited.inc({ scope: 'handshake' });
      throw new AuthError('RATE_LIMITED', 'too many handshakes from this address');
    }
    if (facts.queryToken) {
      throw new AuthError('UNAUTHORIZED', 'tokens in the query string are refused; use auth.token');
    }
    const { auth } = facts;
    const claims = await this.verifier.verify(auth.token ?? bearer(facts.authorization), role);
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
    const session: Session = {
      sessionId,
      userId: claims.sub,
      role,
      tenantId: claims.tenantId,
      crewRole: claims.crewRole,
      userKey: key,
      claims,
      handshakeAt: started,
      cursor: typeof auth.cursor === 'string' && auth.cursor.length <= 256 ? auth.cursor : undefined,
      // Protocol 1.1: granted to whoever asks (anything else is protocol 1's `each`), except
      // platform admins: their messages come from every tenant's log, whose cursors are not
      // ordered with each other's, so one cursor cannot acknowledge them (docs/protocol.md 16).
      acks: auth.acks === 'cumulative' && claims.tenantId !== ALL_TENANTS ? 'cumulative' : 'each',
      [RUNTIME]: {},
    };
    return {
      session,
      release: () => background(this.logger, 'session release', this.sessions.unregister(entry)),
    };
  }

  /**
   * What the client is told when `admit` failed. Anything but a refusal is the hub's own trouble
   * (its storage, say), not the client's token: "retry later", never UNAUTHORIZED, which would make
   * a client fetch a new token or give up (the chaos suite's Redis restart found this).
   */
  refusal(err: unknown, role: Role, ip: string): AuthError {
    const refusal =
      err instanceof AuthError
        ? err
        : new AuthError('TOO_MANY_CONNECTIONS', 'the hub cannot complete handshakes right now; retry later');
    if (!(err instanceof AuthError)) this.logger.error({ err }, 'handshake failed');
    this.metrics.authFailures.inc({ code: refusal.code });
    this.logger.debug({ namespace: role, code: refusal.code, ip }, 'handshake refused');
    return refusal;
  }
}

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}
