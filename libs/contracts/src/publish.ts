import { plainToInstance } from 'class-transformer';
import { Nested } from './nested.js';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  validateSync,
  ValidateIf,
  ValidateNested,
  type ValidationError,
} from 'class-validator';
import { OrderItemDto, DeliveryAddressDto, TABLE_PATTERN, TENANT_PATTERN } from './commands.js';
import { inspectShape } from './shape.js';
import type { FieldError } from './errors.js';
import {
  ALERT_CODES,
  ALERT_SEVERITIES,
  NOTIFICATION_LEVELS,
  PUBLISHABLE_TYPES,
  type PublishableType,
} from './messages.js';
import { MenuContentDto, menuProblem } from './menu.js';
import { StoreStatusContentDto } from './store-commands.js';
import { storeStatusProblem, type StoreStatusChange } from './store-status.js';
import { DEFAULT_LIMITS } from './limits.js';
import { USER_ID_PATTERN } from './patterns.js';
import { FULFILLMENTS, ORDER_STATUSES } from './order.js';
import type { PublishRequest } from './queues.js';
import { ROLES } from './roles.js';

const ID = /^[A-Za-z0-9_.-]{1,64}$/;

export class PublishTargetDto {
  @IsOptional() @IsString() @Matches(ID) orderId?: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  userIds?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(3) @IsIn(ROLES, { each: true }) roles?: Array<
    (typeof ROLES)[number]
  >;
}

export class PublishRequestDto {
  @IsIn(PUBLISHABLE_TYPES) type!: PublishableType;
  @IsString() @Matches(TENANT_PATTERN) tenantId!: string;
  @IsObject() data!: Record<string, unknown>;
  @IsOptional() @ValidateNested() @Nested(() => PublishTargetDto) to?: PublishTargetDto;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(64) requestId?: string;
}

class ActorDto {
  @IsString() @IsNotEmpty() @MaxLength(128) id!: string;
  @IsIn(['customer', 'crew', 'admin', 'service', 'system']) type!: string;
}

class OrderDataDto {
  @IsString() @Matches(ID) orderId!: string;
  @IsString() @Matches(TENANT_PATTERN) tenantId!: string;
  @IsString() @IsNotEmpty() @MaxLength(128) customerId!: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Nested(() => OrderItemDto)
  items!: OrderItemDto[];
  @IsInt() @Min(0) total!: number;
  @IsISO4217CurrencyCode() currency!: string;
  @IsIn(FULFILLMENTS) fulfillment!: string;
  @IsIn(ORDER_STATUSES) status!: string;
  @IsOptional() @ValidateNested() @Nested(() => DeliveryAddressDto) deliveryAddress?: DeliveryAddressDto;
  @IsOptional() @IsString() @Matches(TABLE_PATTERN) table?: string;
  @IsOptional() @IsString() @MaxLength(500) notes?: string;
  @IsOptional() @IsInt() @Min(0) @Max(1440) etaMinutes?: number;
  @IsOptional() @IsString() @Matches(USER_ID_PATTERN) courierId?: string;
  @IsString() createdAt!: string;
  @IsString() updatedAt!: string;
  @IsOptional() @IsObject() statusTimes?: Record<string, string>;
}

class OrderCreatedDataDto {
  @IsObject() @ValidateNested() @Nested(() => OrderDataDto) order!: OrderDataDto;
}

class OrderStatusUpdatedDataDto {
  @IsString() @Matches(ID) orderId!: string;
  @IsIn(ORDER_STATUSES) status!: string;
  @IsIn(ORDER_STATUSES) previousStatus!: string;
  @IsOptional() @IsInt() @Min(0) @Max(1440) etaMinutes?: number;
  @IsOptional() @IsString() @MaxLength(500) note?: string;
  @IsObject() @ValidateNested() @Nested(() => ActorDto) updatedBy!: ActorDto;
}

/** A dispatch service assigns a courier (docs/protocol.md section 14); the hub fills in the rest. */
class OrderCourierAssignedDataDto {
  @IsString() @Matches(ID) orderId!: string;
  @ValidateIf((o: OrderCourierAssignedDataDto) => o.courierId !== null)
  @IsString({ message: 'courierId must be a user id, or null' })
  @Matches(USER_ID_PATTERN)
  courierId!: string | null;
}

class PaymentConfirmedDataDto {
  @IsString() @Matches(ID) orderId!: string;
  @IsInt() @Min(0) amount!: number;
  @IsISO4217CurrencyCode() currency!: string;
  @IsString() @IsNotEmpty() @MaxLength(32) method!: string;
}

class PaymentFailedDataDto {
  @IsString() @Matches(ID) orderId!: string;
  @IsOptional() @IsString() @MaxLength(200) reason?: string;
}

class PaymentRefundedDataDto {
  @IsString() @Matches(ID) orderId!: string;
  @IsInt() @Min(0) amount!: number;
  @IsISO4217CurrencyCode() currency!: string;
  @IsOptional() @IsString() @MaxLength(200) reason?: string;
}

class NotificationDataDto {
  @IsIn(NOTIFICATION_LEVELS) level!: string;
  @IsString() @IsNotEmpty() @MaxLength(1000) message!: string;
}

class AlertDataDto {
  @IsIn(ALERT_CODES) code!: string;
  @IsIn(ALERT_SEVERITIES) severity!: string;
  @IsString() @IsNotEmpty() @MaxLength(1000) message!: string;
  @IsObject() details!: Record<string, unknown>;
}

/** The DTO that validates each publishable type's `data` (also what the OpenAPI schema is made of). */
export const PUBLISH_DATA_DTOS: Readonly<Record<PublishableType, new () => object>> = {
  'menu.updated': MenuContentDto,
  'store.status': StoreStatusContentDto,
  'order.created': OrderCreatedDataDto,
  'order.status_updated': OrderStatusUpdatedDataDto,
  'order.courier_assigned': OrderCourierAssignedDataDto,
  'payment.confirmed': PaymentConfirmedDataDto,
  'payment.failed': PaymentFailedDataDto,
  'payment.refunded': PaymentRefundedDataDto,
  notification: NotificationDataDto,
  'system.alert': AlertDataDto,
};

/** class-validator errors as the protocol's `details.fields`: dotted paths, one entry per field. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out.push({ field, messages: Object.values(e.constraints) });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export type PublishValidation = { ok: true; value: PublishRequest } | { ok: false; fields: FieldError[] };

/**
 * The one validation of a service publish, shared by `Broadcaster.publish` and
 * `POST /api/v1/events`: the envelope fields, then the data of the given type. A menu may be
 * up to `menuBytes` of JSON (MENU_MAX_BYTES on the hub) and has unique skus.
 */
export function validatePublishRequest(
  body: unknown,
  limits: { menuBytes: number } = { menuBytes: DEFAULT_LIMITS.menuBytes },
): PublishValidation {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, fields: [{ field: '', messages: ['the body must be an object'] }] };
  }
  const shape = inspectShape(body);
  if (shape) return { ok: false, fields: [{ field: shape.field, messages: [shape.message] }] };
  const opts = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;
  const request = plainToInstance(PublishRequestDto, body);
  const errors = validateSync(request, opts);
  if (errors.length) return { ok: false, fields: flattenValidationErrors(errors) };
  const data = plainToInstance(PUBLISH_DATA_DTOS[request.type], request.data);
  const dataErrors = validateSync(data, opts);
  if (dataErrors.length) return { ok: false, fields: flattenValidationErrors(dataErrors, 'data') };
  if (request.type === 'menu.updated') {
    const problem = menuProblem(request.data as never) ?? menuTooLarge(request.data, limits.menuBytes);
    if (problem)
      return { ok: false, fields: [{ field: `data.${problem.field}`, messages: [problem.message] }] };
  }
  if (request.type === 'store.status') {
    const problem = storeStatusProblem(request.data as unknown as StoreStatusChange, Date.now());
    if (problem) return { ok: false, fields: [{ ...problem, field: `data.${problem.field}` }] };
  }
  if (
    request.type === 'order.created' &&
    (request.data as { order: { tenantId: string } }).order.tenantId !== request.tenantId
  ) {
    return {
      ok: false,
      fields: [{ field: 'data.order.tenantId', messages: ['data.order.tenantId must equal tenantId'] }],
    };
  }
  return { ok: true, value: body as PublishRequest };
}

function menuTooLarge(data: unknown, limit: number): { field: string; message: string } | undefined {
  const bytes = new TextEncoder().encode(JSON.stringify(data)).length;
  return bytes > limit
    ? { field: 'items', message: `a menu may be at most ${limit} bytes of JSON (${bytes})` }
    : undefined;
}
