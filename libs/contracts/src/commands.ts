import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
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
import type { AuditPage } from './audit.js';
import type { BoardData, MetricsData } from './messages.js';
import { NOTIFICATION_LEVELS, type NotificationLevel } from './messages.js';
import { FULFILLMENTS, ORDER_STATUSES, type Fulfillment, type OrderStatus } from './order.js';
import { ROLES, type CrewRole, type Role } from './roles.js';
import { MENU_ID_PATTERN, MENU_MAX_MODIFIERS, MenuModifierDto, ModifierList } from './menu.js';
import { ID_PATTERN, TENANT_PATTERN } from './patterns.js';

/** Tenant ids: the alphabet of ids (order ids, …), so that room names built from them are unambiguous. */
export { TENANT_PATTERN };

/**
 * Optional, but not null: left out, or a valid value (@IsOptional would let `null` through to
 * code that tells "absent" by `undefined`).
 */
const Absent = (): PropertyDecorator => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

/** Every command may carry `requestId` for idempotency (PROTOCOL section 5). */
export class CommandDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  requestId?: string;
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
  @Type(() => OrderPlaceItemDto)
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
  @Type(() => DeliveryAddressDto)
  deliveryAddress?: DeliveryAddressDto;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  notes?: string;
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

export class MenuSetAvailabilityDto extends TenantScopedDto {
  @IsString()
  @Matches(MENU_ID_PATTERN, { message: 'sku must be 1 to 64 of A-Z a-z 0-9 _ . -' })
  sku!: string;

  @IsBoolean()
  available!: boolean;
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

export class EmptyCommandDto extends CommandDto {}

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

export class AdminReplayDto extends CommandDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  messageId!: string;
}

export class HeartbeatDto extends CommandDto {
  @IsNumber({ allowNaN: false, allowInfinity: false })
  clientTime!: number;
}

export class AuthRefreshDto extends CommandDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  token!: string;
}

export class SyncDto extends CommandDto {
  @IsString()
  @MaxLength(256)
  cursor!: string;
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

/** Each command: who may send it, its DTO, and its reply (PROTOCOL section 5). */
export interface CommandMap {
  /** Extension: the reply carries what the order costs, as the hub priced it. */
  'order.place': {
    data: OrderPlaceDto;
    reply: { orderId: string; orderNumber?: string; status: OrderStatus; total: number; currency: string };
  };
  'order.cancel': { data: OrderCancelDto; reply: { orderId: string; status: OrderStatus } };
  'order.update_status': { data: OrderUpdateStatusDto; reply: { orderId: string; status: OrderStatus } };
  'courier.location': { data: CourierLocationDto; reply: { relayed: boolean } };
  'menu.set_availability': {
    data: MenuSetAvailabilityDto;
    reply: { sku: string; available: boolean; version: number };
  };
  'admin.announce': { data: AdminAnnounceDto; reply: { id: string } };
  'admin.disconnect': { data: AdminDisconnectDto; reply: { disconnected: number } };
  'metrics.snapshot': { data: EmptyCommandDto; reply: MetricsData };
  'admin.dead_letters': { data: AdminDeadLettersDto; reply: { items: DeadLetterItem[] } };
  'admin.replay': { data: AdminReplayDto; reply: { requeued: true } };
  'admin.audit': { data: AdminAuditDto; reply: AuditPage };
  heartbeat: { data: HeartbeatDto; reply: { serverTime: number } };
  'auth.refresh': { data: AuthRefreshDto; reply: { exp: number } };
  sync: { data: SyncDto; reply: { replayed: number; recovered: boolean } };
}
export type CommandType = keyof CommandMap;
export type CommandData<C extends CommandType> = Omit<CommandMap[C]['data'], never>;
export type CommandReply<C extends CommandType> = CommandMap[C]['reply'];

export interface CommandRule {
  roles: readonly Role[];
  /** For crew sessions: the crew roles that may send it (other allowed roles are not narrowed). */
  crewRoles?: readonly CrewRole[];
  dto: new () => CommandDto;
}

/** Who may send what: the one table the roles guard reads. */
export const COMMANDS: Readonly<Record<CommandType, CommandRule>> = {
  'order.place': { roles: ['customer'], dto: OrderPlaceDto },
  'order.cancel': { roles: ['customer', 'crew', 'admin'], dto: OrderCancelDto },
  'order.update_status': { roles: ['crew', 'admin'], dto: OrderUpdateStatusDto },
  'courier.location': { roles: ['crew'], crewRoles: ['courier'], dto: CourierLocationDto },
  'menu.set_availability': {
    roles: ['crew', 'admin'],
    crewRoles: ['kitchen', 'front'],
    dto: MenuSetAvailabilityDto,
  },
  'admin.announce': { roles: ['admin'], dto: AdminAnnounceDto },
  'admin.disconnect': { roles: ['admin'], dto: AdminDisconnectDto },
  'metrics.snapshot': { roles: ['admin'], dto: EmptyCommandDto },
  'admin.dead_letters': { roles: ['admin'], dto: AdminDeadLettersDto },
  'admin.replay': { roles: ['admin'], dto: AdminReplayDto },
  'admin.audit': { roles: ['admin'], dto: AdminAuditDto },
  heartbeat: { roles: ['customer', 'crew', 'admin'], dto: HeartbeatDto },
  'auth.refresh': { roles: ['customer', 'crew', 'admin'], dto: AuthRefreshDto },
  sync: { roles: ['customer', 'crew', 'admin'], dto: SyncDto },
};

export const COMMAND_TYPES = Object.keys(COMMANDS) as CommandType[];

export function isCommandType(value: unknown): value is CommandType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(COMMANDS, value);
}

export type { BoardData };
