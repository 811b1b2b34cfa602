/** Protocol defaults (PROTOCOL section 9). Each is configurable on the hub. */
export const DEFAULT_LIMITS = {
  messageBytes: 16 * 1024,
  /** Extension: one published menu, as JSON (MENU_MAX_BYTES). */
  menuBytes: 256 * 1024,
  maxHttpBufferSize: 64 * 1024,
  commandsPerSecond: 20,
  commandBurst: 40,
  courierLocationPerSecond: 2,
  sessionsPerUser: 10,
  sessionsPerTenant: 10_000,
  handshakesPerIpPerSecond: 50,
  rateLimitStrikes: 3,
  rateLimitStrikeWindowMs: 10_000,
  requestIdTtlMs: 10 * 60 * 1000,
  pingIntervalMs: 25_000,
  pingTimeoutMs: 20_000,
} as const;

export const DEFAULT_WS_PATH = '/ws';

/** The prep time of a restaurant that publishes none (`settings.prepMinutes`). */
export const DEFAULT_PREP_MINUTES = 20;

/** How long a new order may go unseen by every crew device before the hub escalates (section 14). */
export const DEFAULT_ACK_ESCALATE_SECONDS = 30;
