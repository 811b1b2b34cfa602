import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsISO8601,
  IsLatitude,
  IsLongitude,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Absent, CommandDto, TenantScopedDto } from './command-base.js';
import { MENU_ID_PATTERN, MENU_MAX_MODIFIERS, MenuModifierDto, ModifierList } from './menu.js';
import { Nested } from './nested.js';
import { FULFILLMENTS, ORDER_STATUSES, type Fulfillment, type OrderStatus } from './order.js';
import { HANDOFF_CODE_PATTERN, ID_PATTERN } from './patterns.js';

/** The DTOs of the order commands: order.place, order.cancel, order.update_status, order.item_ready. */

/** A dine-in order's table: letters, digits, spaces and `. _ # / -`, 1 to 16 of them. */
export const TABLE_PATTERN = /^[\p{L}\p{N} ._#/-]{1,16}$/u;

/** A field that only orders of `fulfillment` may carry (`only`), or that they may not (`!only`). */
function ForFulfillment(fulfillment: Fulfillment, only: boolean): PropertyDecorator {
  return ValidateBy({
    name: only ? 'onlyForFulfillment' : 'notForFulfillment',
    validator: {
      validate: (_value, args) =>
        ((args?.object as { fulfillment?: unknown }).fulfillment === fulfillment) === only,
      defaultMessage: (args) =>
        only
          ? `${args?.property} is for ${fulfillment} orders only`
          : `${fulfillment} orders have no ${args?.property}`,
    },
  });
}

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
  @ForFulfillment('dine_in', false)
  @IsObject()
  @ValidateNested()
  @Nested(() => DeliveryAddressDto)
  deliveryAddress?: DeliveryAddressDto;

  /** Dine-in: the table, required; no address. */
  @ValidateIf((o: OrderPlaceDto) => o.fulfillment === 'dine_in' || o.table !== undefined)
  @IsDefined({ message: 'table is required for dine_in orders' })
  @IsString()
  @Matches(TABLE_PATTERN, { message: 'table must be 1 to 16 letters, digits, spaces or . _ # / -' })
  @ForFulfillment('dine_in', true)
  table?: string;

  /** An order for later: when it should be ready (docs/protocol.md section 13). */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'scheduledFor must be an ISO 8601 time' })
  @Matches(/T\d\d:\d\d/, { message: 'scheduledFor must have a time of day' })
  scheduledFor?: string;

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

  /** Extension (docs/protocol.md section 14): the customer's hand-over code, for `delivered`. */
  @Absent()
  @IsString()
  @Matches(HANDOFF_CODE_PATTERN, { message: 'handoffCode must be 4 digits' })
  @ValidateBy({
    name: 'onlyWhenDelivered',
    validator: {
      validate: (_value: unknown, args) => (args?.object as OrderUpdateStatusDto).status === 'delivered',
      defaultMessage: () => 'handoffCode is for status delivered only',
    },
  })
  handoffCode?: string;
}

/** `order.item_ready`: a station bumps its lines of a preparing order (docs/protocol.md section 13). */
export class OrderItemReadyDto extends OrderRefDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(49, { each: true })
  lineIndexes!: number[];
}
