import { createPublicKey, createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { HubClaims, Role } from '@orderwire/contracts';
import {
  ALL_TENANTS,
  CREW_ROLES,
  isRole,
  MAX_STATIONS_PER_TOKEN,
  STATION_PATTERN,
  TENANT_PATTERN,
  USER_ID_PATTERN,
} from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { AuthError } from './auth.error.js';

/** One entry of a service token's tenant scope: a tenant id, or `*`. */
function isScopeEntry(t: unknown): t is string {
  return typeof t === 'string' && (t === ALL_TENANTS || TENANT_PATTERN.test(t));
}

/**
 * Verifies hub tokens with the one configured algorithm (HS256 with a secret, or RS256/ES256
 * with a public key). `alg: none` and every other algorithm are refused, which also closes the
 * HS/RS confusion. `exp` is required; `nbf`, `iss` and `aud` are checked when present/configured.
 */
@Injectable()
export class JwtVerifier {
  private readonly jwt: JwtService;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const { algorithm, key, issuer, audience } = config.jwt;
    const symmetric = algorithm === 'HS256';
    // A KeyObject made once: given a string, jsonwebtoken first tries createPublicKey on it for
    // every token (and catches the failure), which was 15 % of the CPU of a handshake.
    const keyObject = symmetric ? createSecretKey(Buffer.from(key)) : createPublicKey(key);
    this.jwt = new JwtService({
      ...(symmetric
        ? { secret: keyObject as unknown as Buffer }
        : { publicKey: keyObject as unknown as Buffer }),
      verifyOptions: { algorithms: [algorithm], issuer, audience },
    });
  }

  /**
   * A service token (`role: "service"`) for the HTTP publish API. Its tenant scope is `tenants`
   * (a list of tenant ids, or `["*"]`) or `tenantId`. Neither is refused in production (a
   * platform-wide service says so with `tenants: ["*"]`) and means every tenant elsewhere. A scope
   * of any other shape (a string, a list with anything but tenant ids, both claims) is refused:
   * read loosely, a malformed scope could widen to every tenant.
   */
  verifyService(token: unknown): { sub: string; tenants: string[] | '*' } {
    const payload = this.decode(token, this.config.jwt.maxServiceTokenTtlMs);
    const { sub, role, tenants, tenantId } = payload;
    if (typeof sub !== 'string' || !USER_ID_PATTERN.test(sub))
      throw new AuthError('UNAUTHORIZED', 'sub is missing');
    if (role !== 'service') throw new AuthError('FORBIDDEN', 'a service token (role "service") is required');
    if (tenants !== undefined && tenantId !== undefined) {
      throw new AuthError('UNAUTHORIZED', 'the scope is ambiguous: set tenants or tenantId, not both');
    }
    if (tenants !== undefined) {
      if (!Array.isArray(tenants) || tenants.length === 0 || !tenants.every(isScopeEntry)) {
        throw new AuthError('UNAUTHORIZED', 'tenants must be a non-empty list of tenant ids (or ["*"])');
      }
      return { sub, tenants: tenants.includes(ALL_TENANTS) ? '*' : tenants };
    }
    if (tenantId !== undefined) {
      if (!isScopeEntry(tenantId)) throw new AuthError('UNAUTHORIZED', 'tenantId is malformed');
      return { sub, tenants: tenantId === ALL_TENANTS ? '*' : [tenantId] };
    }
    if (this.config.env === 'production') {
      throw new AuthError(
        'UNAUTHORIZED',
        'a service token needs a scope: tenants (a list of tenant ids, or ["*"] for every tenant) or tenantId',
      );
    }
    return { sub, tenants: '*' };
  }

  /** Returns the claims of a valid token for `namespaceRole`, or throws an AuthError. */
  verify(token: unknown, namespaceRole?: Role): HubClaims {
    const payload = this.decode(token, this.config.jwt.maxTokenTtlMs);
    const { sub, role, tenantId, crewRole } = payload;
    if (typeof sub !== 'string' || !USER_ID_PATTERN.test(sub))
      throw new AuthError('UNAUTHORIZED', 'sub is missing');
    if (!isRole(role)) throw new AuthError('UNAUTHORIZED', 'role must be customer, crew or admin');
    if (typeof tenantId !== 'string' || (tenantId !== ALL_TENANTS && !TENANT_PATTERN.test(tenantId))) {
      throw new AuthError('UNAUTHORIZED', 'tenantId is missing or malformed');
    }
    if (crewRole !== undefined && !(CREW_ROLES as readonly unknown[]).includes(crewRole)) {
      throw new AuthError('UNAUTHORIZED', 'crewRole must be kitchen, courier or front');
    }
    const { stations } = payload;
    if (
      stations !== undefined &&
      (!Array.isArray(stations) ||
        stations.length > MAX_STATIONS_PER_TOKEN ||
        stations.some((s) => typeof s !== 'string' || !STATION_PATTERN.test(s)))
    ) {
      throw new AuthError(
        'UNAUTHORIZED',
        `stations must be a list of at most ${MAX_STATIONS_PER_TOKEN} station names`,
      );
    }
    if (tenantId === ALL_TENANTS && role !== 'admin') {
      throw new AuthError('FORBIDDEN', 'tenantId "*" is for platform admins only');
    }
    if (namespaceRole && role !== namespaceRole) {
      throw new AuthError('FORBIDDEN', `a ${role} token cannot connect to /${namespaceRole}`);
    }
    return payload as unknown as HubClaims;
  }

  /**
   * Whether a revocation at `revokedAt` (ms) refuses a token: every token of the user issued up to
   * the revocation plus the clock skew, so a token minted on a clock a little ahead, or minted in
   * the minute after, is refused too. A token without `iat` counts as issued at 0.
   */
  revokedBy(claims: { iat?: number }, revokedAt: number | undefined): boolean {
    return revokedAt !== undefined && (claims.iat ?? 0) * 1000 <= revokedAt + this.config.jwt.clockSkewMs;
  }

  /**
   * Signature, algorithm, exp, nbf, iss and aud; `iat` no later than now plus the clock skew; and
   * a lifetime of at most `maxTtlMs`, both as `exp - iat` and as `exp - now` (plus the skew). A
   * token issued in the future would escape both the lifetime bound and revocation; a
   * longer-lived one would outlive revocations, which are kept for that long.
   */
  private decode(token: unknown, maxTtlMs: number): Record<string, unknown> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
      throw new AuthError('UNAUTHORIZED', 'a token is required');
    }
    let payload: Record<string, unknown>;
    try {
      payload = this.jwt.verify<Record<string, unknown>>(token);
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TokenExpiredError') throw new AuthError('TOKEN_EXPIRED', 'the token has expired');
      if (name === 'NotBeforeError') throw new AuthError('UNAUTHORIZED', 'the token is not valid yet');
      throw new AuthError('UNAUTHORIZED', 'the token is malformed or its signature is invalid');
    }
    const { exp, iat } = payload;
    if (typeof exp !== 'number') throw new AuthError('UNAUTHORIZED', 'exp is required');
    if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) {
      throw new AuthError('UNAUTHORIZED', 'iat must be a number');
    }
    const now = Date.now();
    const skew = this.config.jwt.clockSkewMs;
    if (typeof iat === 'number' && iat * 1000 > now + skew) {
      throw new AuthError('UNAUTHORIZED', 'the token was issued in the future (iat is ahead of this clock)');
    }
    const lifetime = Math.max(exp * 1000 - now - skew, typeof iat === 'number' ? (exp - iat) * 1000 : 0);
    if (lifetime > maxTtlMs) {
      throw new AuthError(
        'UNAUTHORIZED',
        `the token lives longer than the hub accepts (${Math.floor(maxTtlMs / 1000)} s)`,
      );
    }
    return payload;
  }
}
