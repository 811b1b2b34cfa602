import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { Absent, CommandDto, TenantScopedDto } from './command-base.js';
import { NOTIFICATION_LEVELS, type NotificationLevel } from './messages.js';
import { ID_PATTERN } from './patterns.js';
import { ROLES, type Role } from './roles.js';

/** The DTOs of the admins' commands, and what admin.dead_letters lists. */

export class AdminAnnounceDto extends TenantScopedDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  audience!: Role[];

  @IsIn(NOTIFICATION_LEVELS)
  level!: NotificationLevel;

  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  message!: string;
}

export class AdminDisconnectDto extends TenantScopedDto {
  @ValidateIf((o: AdminDisconnectDto) => o.sessionId === undefined)
  @IsString({ message: 'userId or sessionId is required' })
  @IsNotEmpty()
  @MaxLength(128)
  userId?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  sessionId?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  reason!: string;

  @IsOptional()
  @IsBoolean()
  revokeTokens?: boolean;
}

export class AdminDeadLettersDto extends CommandDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** A message id: list the letters older than it. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  before?: string;
}

/** `admin.audit`: a page of the tenant's audit trail, newest first, optionally filtered. */
export class AdminAuditDto extends TenantScopedDto {
  @Absent()
  @IsString()
  @Matches(ID_PATTERN, { message: 'orderId must be 1 to 64 of A-Z a-z 0-9 _ . -' })
  orderId?: string;

  /** Entries by this user, or about them (admin.disconnect). */
  @Absent()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  userId?: string;

  @Absent()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  action?: string;

  /** The `next` of the previous page. */
  @Absent()
  @IsString()
  @Matches(/^\d{1,15}-\d{1,15}$/, { message: 'before must be the next of a previous page' })
  before?: string;

  @Absent()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

/** `admin.day_report`: the finished orders of one business day (docs/protocol.md section 15). */
export class AdminDayReportDto extends TenantScopedDto {
  /** The business day, YYYY-MM-DD (today's when left out); checked as a date by the hub. */
  @Absent()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'day must be a date as YYYY-MM-DD' })
  day?: string;
}

export class AdminReplayDto extends CommandDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  messageId!: string;
}

export interface DeadLetterItem {
  messageId: string;
  type: string;
  tenantId: string;
  recipients: string[];
  attempts: number;
  lastError: string;
  at: string;
  /** Extension (docs/protocol.md section 12): a webhook delivery that failed, not a message. */
  webhook?: { id: string; deliveryId: string };
}
