/** Every error code of the protocol (PROTOCOL sections 2 and 5). */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNKNOWN_EVENT',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL',
  'UNAUTHORIZED',
  'TOKEN_EXPIRED',
  'TOO_MANY_CONNECTIONS',
  // Extension (docs/protocol.md): a bound on what a user or tenant may hold at once was reached.
  'LIMIT_REACHED',
  // Extension: a socket was disconnected for not reading what was written to it.
  'SLOW_CONSUMER',
  // Extensions (docs/protocol.md, the menu): order.place names a sku or modifier the menu does
  // not have (or no menu is published where one is required), an item that is unavailable, or
  // a unitPrice that is not the menu's. `details.items` says which lines.
  'UNKNOWN_ITEM',
  'ITEM_UNAVAILABLE',
  'PRICE_CHANGED',
  // Extension (docs/protocol.md section 10): the restaurant accepts only paid orders, and this
  // one is not paid yet; `details.payment` is its payment status.
  'PAYMENT_REQUIRED',
  // Extensions (docs/protocol.md section 12, decisions): the restaurant's backend declined this
  // order.place (`details.reason`), or it had to decide and could not be asked in time
  // (`details.retryAfterMs`). Nothing was stored either way.
  'REJECTED',
  'BACKEND_UNAVAILABLE',
  // Extension (docs/protocol.md section 5): the hub's storage did not answer within
  // REDIS_COMMAND_TIMEOUT_MS (or is known to be down); transient, `details.retryAfterMs`.
  'UNAVAILABLE',
  // Extension (docs/protocol.md section 13): the store is paused or closed and takes no orders;
  // `details: { status, nextOpenAt? }`.
  'STORE_CLOSED',
  // Extension (docs/protocol.md section 14): a wrong (or missing, where required) hand-over code
  // for `delivered`; `details.triesLeft`.
  'INVALID_CODE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes a refused handshake can carry in `connect_error` `err.data.code`. */
export const HANDSHAKE_ERROR_CODES = [
  'UNAUTHORIZED',
  'TOKEN_EXPIRED',
  'FORBIDDEN',
  'TOO_MANY_CONNECTIONS',
  'RATE_LIMITED',
] as const satisfies readonly ErrorCode[];
export type HandshakeErrorCode = (typeof HANDSHAKE_ERROR_CODES)[number];

export interface FieldError {
  /** Dotted path of the field, for example `items.0.quantity`. */
  field: string;
  /** One human-readable reason per failed constraint. */
  messages: string[];
}

export interface ProtocolErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown> & { fields?: FieldError[]; retryAfterMs?: number };
}

export type AckOk<T> = T extends void ? { ok: true; data?: undefined } : { ok: true; data: T };
export interface AckError {
  ok: false;
  error: ProtocolErrorBody;
}
export type AckReply<T = unknown> = AckOk<T> | AckError;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
