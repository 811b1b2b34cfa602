import {
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { OpeningHours } from './hours.js';
import { OpeningHoursDto } from './hours-dto.js';
import { Nested } from './nested.js';

// The defaults live in limits.ts (class-free: the console reads them too).
export { DEFAULT_ACK_ESCALATE_SECONDS, DEFAULT_PREP_MINUTES } from './limits.js';

/** How the restaurant runs, published with its menu (docs/protocol.md sections 10, 13 and 14). */
export interface TenantSettings {
  /** IANA time zone of the restaurant: its business day, which order numbers restart with. */
  timezone?: string;
  /** Crew may accept an order only once its payment is `paid` (PAYMENT_REQUIRED otherwise). */
  paymentBeforeAccept?: boolean;
  /**
   * Minutes from placing an order to having it ready (DEFAULT_PREP_MINUTES without it): the ETA the
   * hub gives a new order, plus `extraPrepMinutes` while the store is busy (docs/protocol.md 13).
   */
  prepMinutes?: number;
  /**
   * When the store is open, in `timezone` (required with it): outside these hours it is `closed`
   * by itself (docs/protocol.md section 13).
   */
  hours?: OpeningHours;
  /** When its stations have bumped every line of a preparing order, the hub moves it to `ready`. */
  autoReadyWhenAllLinesReady?: boolean;
  /** Couriers may claim ready delivery orders nobody holds (`order.claim`, section 14). */
  courierSelfAssign?: boolean;
  /** `delivered` needs the customer's hand-over code from crew (`INVALID_CODE`, section 14). */
  handoffCodeRequired?: boolean;
  /**
   * A placed order no crew device has acknowledged this long is re-delivered `urgent` and raises
   * ORDER_NOT_SEEN (DEFAULT_ACK_ESCALATE_SECONDS without it; 0 turns it off; section 14).
   */
  ackEscalateSeconds?: number;
  /** An order still `placed` this long after it was placed is rejected by the hub (section 14). */
  autoRejectAfterSeconds?: number;
  /**
   * The hub sets the store `busy` (with these extra minutes) while the ETA it would give a new order
   * is over `aboveMinutes`, and back to `open` once it is under four fifths of it (section 14).
   */
  autoBusy?: AutoBusy;
}

export interface AutoBusy {
  aboveMinutes: number;
  extraPrepMinutes: number;
}

export class AutoBusyDto {
  @IsInt() @Min(5) @Max(240) aboveMinutes!: number;
  @IsInt() @Min(0) @Max(240) extraPrepMinutes!: number;
}

export class TenantSettingsDto {
  @IsOptional() @IsString() @MaxLength(64) timezone?: string;
  @IsOptional() @IsBoolean() paymentBeforeAccept?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(240) prepMinutes?: number;
  @IsOptional() @IsObject() @ValidateNested() @Nested(() => OpeningHoursDto) hours?: OpeningHoursDto;
  @IsOptional() @IsBoolean() autoReadyWhenAllLinesReady?: boolean;
  @IsOptional() @IsBoolean() courierSelfAssign?: boolean;
  @IsOptional() @IsBoolean() handoffCodeRequired?: boolean;
  @IsOptional()
  @IsInt()
  @ValidateIf((_o: unknown, v: unknown) => v !== 0)
  @Min(10)
  @Max(600)
  ackEscalateSeconds?: number;
  @IsOptional() @IsInt() @Min(60) @Max(3600) autoRejectAfterSeconds?: number;
  @IsOptional() @IsObject() @ValidateNested() @Nested(() => AutoBusyDto) autoBusy?: AutoBusyDto;
}
