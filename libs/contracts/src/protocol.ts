/**
 * The protocol without the DTO classes (and so without class-validator): what browser code and
 * the client SDK import, as `@orderwire/contracts/protocol`.
 */
export * from './roles.js';
export * from './errors.js';
export * from './order.js';
export * from './crew-rights.js';
export * from './messages.js';
export * from './acks.js';
export * from './limits.js';
export * from './ids.js';
export {
  DECIDABLE_COMMANDS,
  MAX_STATIONS_PER_TOKEN,
  SERVICE_COMMANDS,
  STATION_PATTERN,
  TENANT_PATTERN,
  USER_ID_PATTERN,
} from './service-commands.js';
export type { DecidableCommand } from './service-commands.js';
export type { CommandData, CommandMap, CommandType, CommandReply, DeadLetterItem } from './commands.js';
export type {
  Menu,
  MenuAvailabilityData,
  MenuContent,
  MenuItem,
  MenuModifier,
  MenuUpdatedData,
} from './menu.js';
export type { TenantSettings } from './settings.js';
export * from './store-status.js';
export * from './hours.js';
export * from './day-book.js';
export type { AuditActor, AuditEntry, AuditPage } from './audit.js';
