import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

import { toInt } from './env.transforms.js';

/**
 * The settings that bound what clients and services may do: sizes, rates, sessions, orders,
 * stored results and unread bytes (README, "Bounds"). Part of EnvSchema.
 */
export class EnvLimits {
  /**
   * How far a token's `iat` may be ahead of this node's clock; a revocation also refuses tokens
   * issued up to this long after it (a token minted in that window is refused too).
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300)
  CLOCK_SKEW_SECONDS = 60;

  @Transform(toInt)
  @IsInt()
  @Min(256)
  MESSAGE_MAX_BYTES = 16 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  MAX_HTTP_BUFFER_SIZE = 64 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_COMMANDS_PER_SECOND = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_COMMAND_BURST = 40;

  /** Commands of one user, all their sessions on a node together. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_USER_COMMANDS_PER_SECOND = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_USER_COMMAND_BURST = 40;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_COURIER_PER_SECOND = 2;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_STRIKES = 3;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  RATE_STRIKE_WINDOW_MS = 10_000;

  /** POST /api/v1/events per service token. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_PUBLISH_PER_SECOND = 200;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_PUBLISH_BURST = 400;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  SESSIONS_PER_USER = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  SESSIONS_PER_TENANT = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  HANDSHAKES_PER_IP_PER_SECOND = 50;

  /** Active (non-final) orders one customer may have at once. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MAX_ACTIVE_ORDERS_PER_CUSTOMER = 20;

  /** Active orders one tenant may have at once. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MAX_ACTIVE_ORDERS_PER_TENANT = 5000;

  /** Each tenant's audit trail: entries older than this many days leave (admin.audit). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  AUDIT_RETENTION_DAYS = 30;

  /** At most this many audit entries per tenant; past it the oldest leave first. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  AUDIT_MAX_PER_TENANT = 50_000;

  /**
   * The day book (docs/protocol.md section 15): at most this many finished orders per tenant and
   * business day; past it a finishing order is left out and that day's report says incomplete.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  DAY_BOOK_MAX_ORDERS = 5000;

  /** One published menu, as JSON (menu.updated); POST /api/v1/events takes bodies this large for menus. */
  @Transform(toInt)
  @IsInt()
  @Min(16 * 1024)
  MENU_MAX_BYTES = 256 * 1024;

  /** A scheduled order's time is at least this far ahead (docs/protocol.md section 13). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SCHEDULE_MIN_LEAD_MINUTES = 15;

  /** Scheduled orders waiting to fire per tenant; past it order.place with scheduledFor is LIMIT_REACHED. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MAX_SCHEDULED_ORDERS_PER_TENANT = 2000;

  /** How long a courier's last position stays on the board (docs/protocol.md section 14). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3600)
  COURIER_POSITION_TTL_SECONDS = 300;

  /**
   * Tenants the redis engine keeps orders for (the registry its sweeps walk: per-tenant bounds
   * times this bound what Redis holds); a new tenant's first order past it is refused
   * (LIMIT_REACHED, scope `tenants`).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  TENANTS_MAX = 100_000;

  /** Tenants whose menu is stored; a new tenant's menu past it is refused (LIMIT_REACHED). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MENU_MAX_TENANTS = 10_000;

  /** Engine.io sessions from one address that have not joined a namespace yet (no token checked). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RAW_SESSIONS_PER_IP = 100;

  /** A session that has not joined a namespace by then is closed. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CONNECT_TIMEOUT_MS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  IDEMPOTENCY_TTL_SECONDS = 600;

  /** Stored command results (requestId) per user; past it the least recently used leaves. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  IDEMPOTENCY_KEYS_PER_USER = 1000;

  /**
   * Stored command results per tenant (redis engine: so that one tenant's commands never evict
   * another's, and one tenant's results live on its Redis Cluster slot); memory engine: in all,
   * on the node.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  IDEMPOTENCY_KEYS_MAX = 200_000;

  /** Bytes queued for one socket that it has not read; past it the socket is disconnected at once. */
  @Transform(toInt)
  @IsInt()
  @Min(64 * 1024)
  SLOW_CONSUMER_MAX_BYTES = 4 * 1024 * 1024;

  /** A socket with more than this queued for SLOW_CONSUMER_SOFT_MS without catching up is disconnected. */
  @Transform(toInt)
  @IsInt()
  @Min(16 * 1024)
  SLOW_CONSUMER_SOFT_BYTES = 512 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  SLOW_CONSUMER_SOFT_MS = 10_000;

  /** How long a shed socket may take to read its SLOW_CONSUMER error before its TCP socket is destroyed. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SLOW_CONSUMER_CLOSE_GRACE_MS = 1000;
}
