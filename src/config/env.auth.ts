import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Min, MinLength } from 'class-validator';
import { EnvIntegrations } from './env.integrations.js';
import { toInt } from './env.transforms.js';

/**
 * How tokens are checked (docs/identity.md): a secret, a public key or an identity provider's key
 * set, the claims that hold the role, the tenant and the user, and how long a token may live.
 */
export class EnvAuth extends EnvIntegrations {
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'JWT_SECRET must be at least 16 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  JWT_PUBLIC_KEY?: string;

  @IsOptional()
  @IsIn(['HS256', 'RS256', 'ES256'])
  JWT_ALGORITHM?: 'HS256' | 'RS256' | 'ES256';

  /**
   * The identity provider's JSON Web Key Set (Auth0, Keycloak, Cognito …): tokens are verified with
   * the key their `kid` names (RS256 or ES256, JWT_ALGORITHM), fetched, cached and refreshed.
   */
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_tld: false, require_protocol: true })
  JWT_JWKS_URL?: string;

  /** The claim that holds the role (`role`); a dotted path reaches into objects (`realm_access.roles`). */
  @IsString()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'JWT_ROLE_CLAIM must be a claim name' })
  JWT_ROLE_CLAIM = 'role';

  /**
   * The claim that holds the user id (`sub`), as JWT_ROLE_CLAIM: for providers whose `sub` holds a
   * `|` (Auth0's `auth0|…`), which a hub user id may not.
   */
  @IsString()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'JWT_SUBJECT_CLAIM must be a claim name' })
  JWT_SUBJECT_CLAIM = 'sub';

  /** The claim that holds the tenant (`tenantId`), as JWT_ROLE_CLAIM. */
  @IsString()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'JWT_TENANT_CLAIM must be a claim name' })
  JWT_TENANT_CLAIM = 'tenantId';

  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  /** The longest life (exp - iat) a client token may have; revocations are kept this long. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  MAX_TOKEN_TTL_SECONDS = 86_400;

  /** The same for service tokens (HTTP publish): they are minted less often. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  MAX_SERVICE_TOKEN_TTL_SECONDS = 30 * 86_400;
}
