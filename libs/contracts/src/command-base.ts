import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { TENANT_PATTERN } from './patterns.js';

/**
 * Optional, but not null: left out, or a valid value (@IsOptional would let `null` through to
 * code that tells "absent" by `undefined`).
 */
export const Absent = (): PropertyDecorator =>
  ValidateIf((_object: unknown, value: unknown) => value !== undefined);

/** Every command may carry `requestId` for idempotency (PROTOCOL section 5). */
export class CommandDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  requestId?: string;
}

/**
 * Commands that name a tenant's resource. `tenantId` is for platform admins (`tenantId: "*"`),
 * who must say which tenant they act on; anyone else may omit it or give their own tenant.
 */
export class TenantScopedDto extends CommandDto {
  @IsOptional()
  @IsString()
  @Matches(TENANT_PATTERN, { message: 'tenantId must be 1 to 64 of A-Z a-z 0-9 _ . -' })
  tenantId?: string;
}

export class EmptyCommandDto extends CommandDto {}
