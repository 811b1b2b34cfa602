import type { CommandType } from './commands.js';

/** Ids that clients choose (order ids) and tenant ids: short, printable, no room-name separators. */
export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const TENANT_PATTERN = ID_PATTERN;

/** Commands that change something, and so are handed to subscribed services once accepted. */
export const SERVICE_COMMANDS: readonly CommandType[] = [
  'order.place',
  'order.cancel',
  'order.update_status',
  'courier.location',
  'menu.set_availability',
  'admin.announce',
  'admin.disconnect',
  'admin.replay',
];

/** Commands a webhook may decide (accept or reject) before the hub carries them out. */
export const DECIDABLE_COMMANDS = ['order.place'] as const satisfies readonly CommandType[];
export type DecidableCommand = (typeof DECIDABLE_COMMANDS)[number];
