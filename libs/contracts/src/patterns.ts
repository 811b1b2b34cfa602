/** Ids that clients choose (order ids) and tenant ids: short, printable, no room-name separators. */
export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const TENANT_PATTERN = ID_PATTERN;
