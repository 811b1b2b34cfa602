import { createPublicKey, createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { HubClaims, Role } from '@orderwire/contracts';
import { ALL_TENANTS, CREW_ROLES, isRole, TENANT_PATTERN } from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { AuthError } from './auth.error.js';

const SUB_PATTERN = /^[^\s|\p{Cc}]{1,128}$/u;

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
   * (a list) or `tenantId`; `"*"` or neither means every tenant.
   */
  verifyService(token: unknown): { sub: string; tenants: string[] | '*' } {
    const payload = this.decode(token);
    const { sub, role, exp, tenants, tenantId } = payload;
    if (typeof sub !== 'string' || !SUB_PATTERN.test(sub))
      throw new AuthError('UNAUTHORIZED', 'sub is missing');
    if (typeof exp !== 'number') throw new AuthError('UNAUTHORIZED', 'exp is required');
    if (role !== 'service') throw new AuthError('FORBIDDEN', 'a service token (role "service") is required');
    const list = Array.isArray(tenants)
      ? tenants.filter((t): t is string => typeof t === 'string')
      : undefined;
    if (list) return { sub, tenants: list.includes(ALL_TENANTS) ? '*' : list };
    if (typeof tenantId === 'string' && tenantId !== ALL_TENANTS) return { sub, tenants: [tenantId] };
    return { sub, tenants: '*' };
  }

  /** Returns the claims of a valid token for `namespaceRole`, or throws an AuthError. */
  verify(token: unknown, namespaceRole?: Role): HubClaims {
    const payload = this.decode(token);
    const { sub, role, tenantId, exp, crewRole } = payload;
    if (typeof sub !== 'string' || !SUB_PATTERN.test(sub))
      throw new AuthError('UNAUTHORIZED', 'sub is missing');
    if (typeof exp !== 'number') throw new AuthError('UNAUTHORIZED', 'exp is required');
    if (!isRole(role)) throw new AuthError('UNAUTHORIZED', 'role must be customer, crew or admin');
    if (typeof tenantId !== 'string' || (tenantId !== ALL_TENANTS && !TENANT_PATTERN.test(tenantId))) {
      throw new AuthError('UNAUTHORIZED', 'tenantId is missing or malformed');
    }
    if (crewRole !== undefined && !(CREW_ROLES as readonly unknown[]).includes(crewRole)) {
      throw new AuthError('UNAUTHORIZED', 'crewRole must be kitchen, courier or front');
    }
    if (tenantId === ALL_TENANTS && role !== 'admin') {
      throw new AuthError('FORBIDDEN', 'tenantId "*" is for platform admins only');
    }
    if (namespaceRole && role !== namespaceRole) {
      throw new AuthError('FORBIDDEN', `a ${role} token cannot connect to /${namespaceRole}`);
    }
    return payload as unknown as HubClaims;
  }

  /** Signature, algorithm, exp, nbf, iss and aud: everything but the claims' meaning. */
  private decode(token: unknown): Record<string, unknown> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
      throw new AuthError('UNAUTHORIZED', 'a token is required');
    }
    try {
      return this.jwt.verify<Record<string, unknown>>(token);
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TokenExpiredError') throw new AuthError('TOKEN_EXPIRED', 'the token has expired');
      if (name === 'NotBeforeError') throw new AuthError('UNAUTHORIZED', 'the token is not valid yet');
      throw new AuthError('UNAUTHORIZED', 'the token is malformed or its signature is invalid');
    }
  }
}
