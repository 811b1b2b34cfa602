import type { CommandType } from './commands.js';

// Where they were first defined (patterns.ts keeps them apart, so commands.ts needs nothing here).
export {
  ID_PATTERN,
  MAX_STATIONS_PER_TOKEN,
  STATION_PATTERN,
  TENANT_PATTERN,
  USER_ID_PATTERN,
} from './patterns.js';

/** Commands that change something, and so are handed to subscribed services once accepted. */
export const SERVICE_COMMANDS: readonly CommandType[] = [
  'order.place',
  'order.cancel',
  'order.update_status',
  'courier.location',
  'order.assign_courier',
  'order.claim',
  'order.item_ready',
  'menu.set_availability',
  'store.set_status',
  'store.set_hours',
  'admin.announce',
  'admin.disconnect',
  'admin.replay',
];

/** Commands a webhook may decide (accept or reject) before the hub carries them out. */
export const DECIDABLE_COMMANDS = ['order.place'] as const satisfies readonly CommandType[];
export type DecidableCommand = (typeof DECIDABLE_COMMANDS)[number];
