export * from './roles.js';
export * from './errors.js';
export * from './order.js';
export * from './crew-rights.js';
export * from './messages.js';
export * from './acks.js';
export * from './commands.js';
export * from './limits.js';
export * from './queues.js';
export * from './publish.js';
export * from './ids.js';
export * from './shape.js';
export * from './menu.js';
export * from './settings.js';
export * from './hours.js';
export * from './hours-dto.js';
export * from './audit.js';
export * from './day-book.js';
export * from './webhooks.js';
export {
  DECIDABLE_COMMANDS,
  MAX_STATIONS_PER_TOKEN,
  SERVICE_COMMANDS,
  STATION_PATTERN,
  USER_ID_PATTERN,
} from './service-commands.js';
export type { DecidableCommand } from './service-commands.js';
export { Nested, nestedTypeOf } from './nested.js';
