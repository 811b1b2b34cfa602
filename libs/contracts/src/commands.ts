import { IsBoolean, IsNotEmpty, IsNumber, IsString, Matches, MaxLength } from 'class-validator';
import type { AuditPage } from './audit.js';
import type { DayReport } from './day-book.js';
import {
  AdminAnnounceDto,
  AdminAuditDto,
  AdminDayReportDto,
  AdminDeadLettersDto,
  AdminDisconnectDto,
  AdminReplayDto,
  type DeadLetterItem,
} from './admin-commands.js';
import { CommandDto, EmptyCommandDto, TenantScopedDto } from './command-base.js';
import type { BoardData, MetricsData } from './messages.js';
import { MENU_ID_PATTERN } from './menu.js';
import type { OrderStatus } from './order.js';
import { CourierLocationDto, OrderAssignCourierDto, OrderClaimDto } from './courier-commands.js';
import { OrderCancelDto, OrderItemReadyDto, OrderPlaceDto, OrderUpdateStatusDto } from './order-commands.js';
import type { CrewRole, Role } from './roles.js';
import { TENANT_PATTERN } from './patterns.js';
import { StoreSetHoursDto, StoreSetStatusDto } from './store-commands.js';
import type { StoreStatusData } from './store-status.js';

export * from './command-base.js';
export * from './order-commands.js';
export * from './courier-commands.js';
export * from './admin-commands.js';
export * from './store-commands.js';
export * from './store-status.js';

/** Tenant ids: the alphabet of ids (order ids, …), so that room names built from them are unambiguous. */
export { TENANT_PATTERN };

export class MenuSetAvailabilityDto extends TenantScopedDto {
  @IsString()
  @Matches(MENU_ID_PATTERN, { message: 'sku must be 1 to 64 of A-Z a-z 0-9 _ . -' })
  sku!: string;

  @IsBoolean()
  available!: boolean;
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

/** Each command: who may send it, its DTO, and its reply (PROTOCOL section 5). */
export interface CommandMap {
  /** Extension: the reply carries what the order costs, as the hub priced it. */
  'order.place': {
    data: OrderPlaceDto;
    reply: {
      orderId: string;
      orderNumber?: string;
      status: OrderStatus;
      total: number;
      currency: string;
      /** Extension (section 14): a delivery order's hand-over code, for its customer only. */
      handoffCode?: string;
    };
  };
  'order.cancel': { data: OrderCancelDto; reply: { orderId: string; status: OrderStatus } };
  'order.update_status': { data: OrderUpdateStatusDto; reply: { orderId: string; status: OrderStatus } };
  'courier.location': { data: CourierLocationDto; reply: { relayed: boolean } };
  /** Extension (docs/protocol.md section 14): who holds the order now, and who did before. */
  'order.assign_courier': {
    data: OrderAssignCourierDto;
    reply: { orderId: string; courierId: string | null; previousCourierId?: string };
  };
  /** Extension (section 14): the order is the claiming courier's. */
  'order.claim': { data: OrderClaimDto; reply: { orderId: string; courierId: string } };
  /** Extension (docs/protocol.md section 13): every ready line of the order now, and its status. */
  'order.item_ready': {
    data: OrderItemReadyDto;
    reply: { orderId: string; linesReady: number[]; status: OrderStatus };
  };
  'menu.set_availability': {
    data: MenuSetAvailabilityDto;
    reply: { sku: string; available: boolean; version: number };
  };
  /** Extension (docs/protocol.md section 13): the reply is the status now in force. */
  'store.set_status': { data: StoreSetStatusDto; reply: StoreStatusData };
  /** Extension (section 13): the menu's version with the new hours, and the status they give now. */
  'store.set_hours': { data: StoreSetHoursDto; reply: { version: number; status: StoreStatusData } };
  'admin.announce': { data: AdminAnnounceDto; reply: { id: string } };
  'admin.disconnect': { data: AdminDisconnectDto; reply: { disconnected: number } };
  'metrics.snapshot': { data: EmptyCommandDto; reply: MetricsData };
  'admin.dead_letters': { data: AdminDeadLettersDto; reply: { items: DeadLetterItem[] } };
  'admin.replay': { data: AdminReplayDto; reply: { requeued: true } };
  'admin.audit': { data: AdminAuditDto; reply: AuditPage };
  /** Extension (docs/protocol.md section 15): the finished orders of a business day. */
  'admin.day_report': { data: AdminDayReportDto; reply: DayReport };
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
  'order.assign_courier': { roles: ['crew', 'admin'], crewRoles: ['front'], dto: OrderAssignCourierDto },
  'order.claim': { roles: ['crew'], crewRoles: ['courier'], dto: OrderClaimDto },
  'order.item_ready': { roles: ['crew', 'admin'], crewRoles: ['kitchen', 'front'], dto: OrderItemReadyDto },
  'menu.set_availability': {
    roles: ['crew', 'admin'],
    crewRoles: ['kitchen', 'front'],
    dto: MenuSetAvailabilityDto,
  },
  'store.set_status': { roles: ['crew', 'admin'], crewRoles: ['front'], dto: StoreSetStatusDto },
  'store.set_hours': { roles: ['admin'], dto: StoreSetHoursDto },
  'admin.announce': { roles: ['admin'], dto: AdminAnnounceDto },
  'admin.disconnect': { roles: ['admin'], dto: AdminDisconnectDto },
  'metrics.snapshot': { roles: ['admin'], dto: EmptyCommandDto },
  'admin.dead_letters': { roles: ['admin'], dto: AdminDeadLettersDto },
  'admin.replay': { roles: ['admin'], dto: AdminReplayDto },
  'admin.audit': { roles: ['admin'], dto: AdminAuditDto },
  'admin.day_report': { roles: ['admin'], dto: AdminDayReportDto },
  heartbeat: { roles: ['customer', 'crew', 'admin'], dto: HeartbeatDto },
  'auth.refresh': { roles: ['customer', 'crew', 'admin'], dto: AuthRefreshDto },
  sync: { roles: ['customer', 'crew', 'admin'], dto: SyncDto },
};

export const COMMAND_TYPES = Object.keys(COMMANDS) as CommandType[];

export function isCommandType(value: unknown): value is CommandType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(COMMANDS, value);
}

export type { BoardData };
