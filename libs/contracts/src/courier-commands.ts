import { IsNumber, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { OrderRefDto } from './order-commands.js';
import { USER_ID_PATTERN } from './patterns.js';

/** The DTOs of the courier commands (docs/protocol.md section 14): positions, assignment, claims. */

export class CourierLocationDto extends OrderRefDto {
  // Numbers in range rather than @IsLatitude/@IsLongitude, which stringify and run a regex
  // (2 % of the hub's CPU at 16k locations/s) and would also accept numeric strings.
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  lat!: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  lng!: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(360)
  heading?: number;
}

/** `order.assign_courier`: who carries a delivery order; `null` hands it back to no one. */
export class OrderAssignCourierDto extends OrderRefDto {
  // Required, and either a user id or null: `undefined` is refused like any other missing field.
  @ValidateIf((o: OrderAssignCourierDto) => o.courierId !== null)
  @IsString({ message: 'courierId must be a user id, or null' })
  @Matches(USER_ID_PATTERN, {
    message: 'courierId must be 1 to 128 characters, without spaces, control characters or |',
  })
  courierId!: string | null;
}

/** `order.claim`: a courier takes a ready delivery order nobody holds. */
export class OrderClaimDto extends OrderRefDto {}
