import {
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { OpeningHoursDto } from './hours-dto.js';
import { Nested } from './nested.js';
import { TenantScopedDto } from './command-base.js';
import {
  STORE_EXTRA_PREP_MAX_MINUTES,
  STORE_STATUSES,
  type StoreStatus,
  type StoreStatusChange,
} from './store-status.js';

/** The DTOs of the store's status (docs/protocol.md section 13); the rest is in store-status.ts. */

/** The rules of a status change's fields, applied to both DTOs below. */
function statusFields(prototype: object): void {
  const rules: Record<keyof StoreStatusChange, PropertyDecorator[]> = {
    status: [IsIn(STORE_STATUSES)],
    extraPrepMinutes: [IsOptional(), IsInt(), Min(0), Max(STORE_EXTRA_PREP_MAX_MINUTES)],
    until: [
      IsOptional(),
      IsString(),
      MaxLength(40),
      IsISO8601({ strict: true, strictSeparator: true }, { message: 'until must be an ISO 8601 time' }),
    ],
    reason: [IsOptional(), IsString(), MaxLength(200)],
  };
  for (const [field, decorators] of Object.entries(rules)) for (const d of decorators) d(prototype, field);
}

/** `store.set_status` (admins; crew with `crewRole` `front`). */
export class StoreSetStatusDto extends TenantScopedDto implements StoreStatusChange {
  status!: StoreStatus;
  extraPrepMinutes?: number;
  until?: string;
  reason?: string;
}

/** The data of a published `store.status`. */
export class StoreStatusContentDto implements StoreStatusChange {
  status!: StoreStatus;
  extraPrepMinutes?: number;
  until?: string;
  reason?: string;
}

statusFields(StoreSetStatusDto.prototype);
statusFields(StoreStatusContentDto.prototype);

/**
 * `store.set_hours` (admins): the opening hours, and the time zone they are in, written into the
 * tenant's menu settings (docs/protocol.md section 13). `hours` left out keeps them, `null` removes them.
 */
export class StoreSetHoursDto extends TenantScopedDto {
  @IsOptional() @IsObject() @ValidateNested() @Nested(() => OpeningHoursDto) hours?: OpeningHoursDto;
  @IsOptional() @IsString() @MaxLength(64) timezone?: string;
}
