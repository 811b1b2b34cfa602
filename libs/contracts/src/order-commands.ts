import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsLatitude,
  IsLongitude,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Absent, CommandDto, TenantScopedDto } from './command-base.js';
import { MENU_ID_PATTERN, MENU_MAX_MODIFIERS, MenuModifierDto, ModifierList } from './menu.js';
import { Nested } from './nested.js';
import { FULFILLMENTS, ORDER_STATUSES, type Fulfillment, type OrderStatus } from './order.js';
import { ID_PATTERN } from './patterns.js';

/** The DTOs of the order commands: order.place, order.cancel, order.update_status, courier.location. */

export class OrderItemDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  sku!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsInt()
  @Min(1)
  @Max(99)
  quantity!: number;

  @IsInt()
  @Min(0)
  @Max(100_000_000)
  unitPrice!: number;

  @ModifierList()
  modifiers?: MenuModifierDto[];
}

/**
 * A line of `order.place`: sku, quantity and modifier ids. `name` and `unitPrice` are what clients
 * sent before the menu (docs/protocol.md): with a menu the name is the menu's and a `unitPrice`
 * that differs is PRICE_CHANGED; without one (CATALOG_REQUIRED=false) both are required.
 */
export class OrderPlaceItemDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  sku!: string;

  @IsInt()
  @Min(1)
  @Max(99)
  quantity!: number;

  @Absent()
  @IsArray()
  @ArrayMaxSize(MENU_MAX_MODIFIERS)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(MENU_ID_PATTERN, { each: true, message: 'each modifier must be 1 to 64 of A-Z a-z 0-9 _ . -' })
  modifiers?: string[];

  @Absent()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @Absent()
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  unitPrice?: number;
}

export class DeliveryAddressDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  line1!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  line2?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  city!: string;

  @IsOptional()
  @IsString()
  @MaxLength(20)
  postalCode?: string;

  @IsOptional()
  @IsLatitude()
  lat?: number;

  @IsOptional()
  @IsLongitude()
  lng?: number;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  instructions?: string;
}

export class OrderPlaceDto extends CommandDto {
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: 'orderId must be 1 to 64 of A-Z a-z 0-9 _ . -' })
  orderId?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  // Without it class-validator takes an array as an item (it validates the inner array's elements).
  @IsObject({ each: true, message: 'each item must be an object' })
  @ValidateNested({ each: true })
  @Nested(() => OrderPlaceItemDto)
  items!: OrderPlaceItemDto[];

  /** The menu's currency decides; a different one is PRICE_CHANGED. Required without a menu. */
  @Absent()
  @IsISO4217CurrencyCode()
  currency?: string;

  @IsIn(FULFILLMENTS)
  fulfillment!: Fulfillment;

  @ValidateIf((o: OrderPlaceDto) => o.fulfillment === 'delivery' || o.deliveryAddress !== undefined)
  @IsDefined({ message: 'deliveryAddress is required for delivery orders' })
  @IsObject()
  @ValidateNested()
  @Nested(() => DeliveryAddressDto)
  deliveryAddress?: DeliveryAddressDto;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  notes?: string;
}

export class OrderRefDto extends TenantScopedDto {
  @IsString()
  @Matches(ID_PATTERN, { message: 'orderId must be 1 to 64 of A-Z a-z 0-9 _ . -' })
  orderId!: string;
}

export class OrderCancelDto extends OrderRefDto {
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class OrderUpdateStatusDto extends OrderRefDto {
  @IsIn(ORDER_STATUSES)
  status!: OrderStatus;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1440)
  etaMinutes?: number;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

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
