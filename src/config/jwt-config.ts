import type { AppConfig } from './app-config.js';
import { ConfigError } from './config-error.js';
import type { EnvSchema } from './env.schema.js';

/** Used only outside production when no key is configured, so that `npm start` works at once. */
export const DEV_JWT_SECRET = 'orderwire-development-secret-do-not-use';

/**
 * How tokens are checked (docs/identity.md): one of a secret, a public key or a key set, the
 * algorithm pinned, and the development secret outside production when none is set.
 */
export function jwtConfig(s: EnvSchema): AppConfig['jwt'] {
  if (s.JWT_SECRET && s.JWT_PUBLIC_KEY) {
    throw new ConfigError('JWT_SECRET and JWT_PUBLIC_KEY: set one, not both (the algorithm is pinned)');
  }
  let algorithm = s.JWT_ALGORITHM ?? (s.JWT_PUBLIC_KEY || s.JWT_JWKS_URL ? 'RS256' : 'HS256');
  let key = s.JWT_PUBLIC_KEY?.replace(/\\n/g, '\n') ?? s.JWT_SECRET;
  let insecureDevSecret = false;
  if (s.JWT_JWKS_URL) {
    if (s.JWT_SECRET || s.JWT_PUBLIC_KEY)
      throw new ConfigError('JWT_JWKS_URL: set it, JWT_SECRET or JWT_PUBLIC_KEY, one of the three');
    if (algorithm === 'HS256')
      throw new ConfigError('JWT_ALGORITHM: a key set (JWT_JWKS_URL) is for RS256 or ES256, not HS256');
    if (s.NODE_ENV === 'production' && !s.JWT_JWKS_URL.startsWith('https://'))
      throw new ConfigError('JWT_JWKS_URL: must be https in production (the keys decide who signs in)');
    key = '';
  }
  if (algorithm === 'HS256' && s.JWT_PUBLIC_KEY) {
    throw new ConfigError('JWT_ALGORITHM: HS256 needs JWT_SECRET, not JWT_PUBLIC_KEY');
  }
  if (algorithm !== 'HS256' && !s.JWT_PUBLIC_KEY && !s.JWT_JWKS_URL) {
    throw new ConfigError(`JWT_PUBLIC_KEY: required with JWT_ALGORITHM=${algorithm}`);
  }
  if (!key && !s.JWT_JWKS_URL) {
    if (s.NODE_ENV === 'production') {
      throw new ConfigError('JWT_SECRET or JWT_PUBLIC_KEY: required in production');
    }
    algorithm = 'HS256';
    key = DEV_JWT_SECRET;
    insecureDevSecret = true;
  }

  return {
    algorithm,
    key: key ?? '',
    issuer: s.JWT_ISSUER,
    audience: s.JWT_AUDIENCE,
    insecureDevSecret,
    maxTokenTtlMs: s.MAX_TOKEN_TTL_SECONDS * 1000,
    maxServiceTokenTtlMs: s.MAX_SERVICE_TOKEN_TTL_SECONDS * 1000,
    clockSkewMs: s.CLOCK_SKEW_SECONDS * 1000,
    ...(s.JWT_JWKS_URL ? { jwksUrl: s.JWT_JWKS_URL } : {}),
    roleClaim: s.JWT_ROLE_CLAIM,
    subjectClaim: s.JWT_SUBJECT_CLAIM,
    tenantClaim: s.JWT_TENANT_CLAIM,
  };
}
