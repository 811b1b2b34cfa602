/** Ids that clients choose (order ids) and tenant ids: short, printable, no room-name separators. */
export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const TENANT_PATTERN = ID_PATTERN;
/** A kitchen station of a menu item and of a crew token (`grill`, `fry`, `bar`): 1 to 32 of these. */
export const STATION_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;
/** At most this many stations on one crew token. */
export const MAX_STATIONS_PER_TOKEN = 16;
/**
 * A user id (a token's `sub`): 1 to 128 characters, no whitespace, control characters or `|` (the
 * separator of the hub's user keys).
 */
export const USER_ID_PATTERN = /^[^\s|\p{Cc}]{1,128}$/u;
/** A delivery order's hand-over code: 4 digits (docs/protocol.md section 14). */
export const HANDOFF_CODE_PATTERN = /^\d{4}$/;
