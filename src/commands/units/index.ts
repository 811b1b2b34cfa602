import { AdminAnnounceCommand } from './admin-announce.command.js';
import { AdminDeadLetterCommands } from './admin-dead-letters.commands.js';
import { AdminDisconnectCommand } from './admin-disconnect.command.js';
import { AdminViewCommands } from './admin-views.commands.js';
import { AdminDayReportCommand } from './admin-day-report.command.js';
import { ConnectionCommands } from './connection.commands.js';
import { CourierLocationCommand } from './courier-location.command.js';
import { OrderAssignCourierCommand, OrderClaimCommand } from './courier-assignment.commands.js';
import { MenuSetAvailabilityCommand } from './menu-set-availability.command.js';
import { OrderCancelCommand } from './order-cancel.command.js';
import { OrderPlaceCommand } from './order-place.command.js';
import { OrderUpdateStatusCommand } from './order-update-status.command.js';
import { OrderItemReadyCommand } from './order-item-ready.command.js';
import { StoreSetStatusCommand } from './store-set-status.command.js';
import { StoreSetHoursCommand } from './store-set-hours.command.js';

/**
 * Every command unit of the hub: one class per command (or small family), each declaring its
 * handlers with @Command, @Roles and @CrewRoles. A command of COMMANDS without a unit here, or a
 * unit that does not match COMMANDS, stops the hub at boot (command-units.ts).
 */
export const COMMAND_UNITS = [
  OrderPlaceCommand,
  OrderCancelCommand,
  OrderUpdateStatusCommand,
  OrderItemReadyCommand,
  CourierLocationCommand,
  OrderAssignCourierCommand,
  OrderClaimCommand,
  MenuSetAvailabilityCommand,
  StoreSetStatusCommand,
  StoreSetHoursCommand,
  AdminAnnounceCommand,
  AdminDisconnectCommand,
  AdminDeadLetterCommands,
  AdminViewCommands,
  AdminDayReportCommand,
  ConnectionCommands,
];
