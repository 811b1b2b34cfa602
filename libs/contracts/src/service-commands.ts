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
