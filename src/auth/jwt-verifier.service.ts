import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit, Optional } from '@nestjs/common';
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
import { CLOCK, type Clock, systemClock } from '../util/clock.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { AuthError } from './auth.error.js';
import { JwksKeys } from './jwks-keys.js';

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
export class JwtVerifier implements OnModuleInit {
  private readonly jwt: JwtService;

  /** With JWT_JWKS_URL: the identity provider's keys, by `kid`. */
  readonly jwks?: JwksKeys;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectLogger(JwtVerifier.name) logger: HubLogger,
    @Optional() @Inject(CLOCK) clock: Clock = systemClock,
  ) {
    const { algorithm, key, issuer, audience, jwksUrl } = config.jwt;
    const symmetric = algorithm === 'HS256';
    if (jwksUrl) {
      this.jwks = new JwksKeys(jwksUrl, algorithm as 'RS256' | 'ES256', clock, logger);
      this.jwt = new JwtService({ verifyOptions: { algorithms: [algorithm], issuer, audience } });
      return;
    }
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

  /** The key set's first fetch, before the hub takes connections (bounded by its 5-s timeout). */
  async onModuleInit(): Promise<void> {
    await this.jwks?.refresh();
  }

  /** The role, the user and the tenant where JWT_ROLE_CLAIM, JWT_SUBJECT_CLAIM and JWT_TENANT_CLAIM say they are. */
  private mapped(payload: Record<string, unknown>): Record<string, unknown> {
    const { roleClaim, subjectClaim, tenantClaim } = this.config.jwt;
    if (roleClaim === 'role' && subjectClaim === 'sub' && tenantClaim === 'tenantId') return payload;
    const role = claimAt(payload, roleClaim);
    let oneRole: unknown = role;
    if (Array.isArray(role)) {
      const ours = role.filter((r) => isRole(r) || r === 'service');
      if (ours.length > 1) throw new AuthError('UNAUTHORIZED', `${roleClaim} names more than one role`);
      oneRole = ours[0];
    }
    const tenant = claimAt(payload, tenantClaim);
    const oneTenant = Array.isArray(tenant) && tenant.length === 1 ? tenant[0] : tenant;
    return { ...payload, sub: claimAt(payload, subjectClaim), role: oneRole, tenantId: oneTenant };
  }

  /**
   * A service token (`role: "service"`) for the HTTP publish API. Its tenant scope is `tenants`
   * (a list of tenant ids, or `["*"]`) or `tenantId`. Neither is refused in production (a
   * platform-wide service says so with `tenants: ["*"]`) and means every tenant elsewhere. A scope
   * of any other shape (a string, a list with anything but tenant ids, both claims) is refused:
   * read loosely, a malformed scope could widen to every tenant.
   */
  async verifyService(token: unknown): Promise<{ sub: string; tenants: string[] | '*' }> {
    const payload = this.mapped(await this.decode(token, this.config.jwt.maxServiceTokenTtlMs));
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
  async verify(token: unknown, namespaceRole?: Role): Promise<HubClaims> {
    const payload = this.mapped(await this.decode(token, this.config.jwt.maxTokenTtlMs));
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
  private async decode(token: unknown, maxTtlMs: number): Promise<Record<string, unknown>> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
      throw new AuthError('UNAUTHORIZED', 'a token is required');
    }
    // With a key set, the key the token names (`kid`); the algorithm stays the pinned one.
    let publicKey: KeyObject | undefined;
    if (this.jwks) {
      const kid = kidOf(token);
      if (!kid) throw new AuthError('UNAUTHORIZED', 'the token names no signing key (kid)');
      publicKey = await this.jwks.key(kid);
      if (!publicKey)
        throw new AuthError(
          'UNAUTHORIZED',
          'the token is signed with a key the identity provider does not list',
        );
    }
    let payload: Record<string, unknown>;
    try {
      payload = publicKey
        ? this.jwt.verify<Record<string, unknown>>(token, { publicKey: publicKey as unknown as Buffer })
        : this.jwt.verify<Record<string, unknown>>(token);
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

/** The `kid` of a token's header, read without trusting it (the signature is checked after). */
function kidOf(token: string): string | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot > 1024) return undefined;
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8')) as {
      kid?: unknown;
    };
    return typeof header.kid === 'string' && header.kid.length <= 256 ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

/** A claim by its name as it is (Auth0's `https://example.com/role`), else as a dotted path. */
function claimAt(payload: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(payload, name)) return payload[name];
  let at: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof at !== 'object' || at === null || !Object.prototype.hasOwnProperty.call(at, part))
      return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}
