import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsTimeZone,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';

import { EnvAuth } from './env.auth.js';
import { toBool, toInt, toList } from './env.transforms.js';
import { TRANSPORT_PATCH_NAMES } from './transport-patches.js';
import { IsRedisUrl } from './redis-url.validator.js';

/**
 * Every setting of the hub, with its default (the bounds on what clients may do are in
 * EnvLimits). Validated once at boot (see load-config.ts); `.env.example` documents each one.
 */
export class EnvSchema extends EnvAuth {
  /** Read before everything else (see env-file.ts): where the env file is; default `.env`. */
  @IsOptional()
  @IsString()
  ENV_FILE?: string;

  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8080;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(/^\/[A-Za-z0-9/_-]*$/)
  WS_PATH = '/ws';

  @Transform(toList)
  @IsIn(['websocket', 'polling'], { each: true })
  WS_TRANSPORTS: Array<'websocket' | 'polling'> = ['polling', 'websocket'];

  /**
   * The transport's patches of library internals (src/transport/patches.ts): `auto` uses each one
   * whose feature check passes, `off` none (public API only), or a list names the ones to use.
   */
  @Transform(toList)
  @IsIn(['auto', 'off', ...TRANSPORT_PATCH_NAMES], { each: true })
  TRANSPORT_PATCHES: string[] = ['auto'];

  /** Default `*` outside production; in production it must be set (see load-config.ts). */
  @IsOptional()
  @Transform(toList)
  @IsString({ each: true })
  CORS_ORIGINS?: string[];

  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY = false;

  /** The OpenAPI document of the HTTP API at /api/docs (UI) and /api/docs/json; default off in production. */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  API_DOCS?: boolean;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  /** Bearer token for GET /metrics; in production /metrics is served only with one. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** Label series by tenant (connections): off by default, for label cardinality at 10k tenants. */
  @Transform(toBool)
  @IsBoolean()
  METRICS_TENANT_LABELS = false;

  /** Serve https/wss directly from this certificate and key (PEM files); both or neither. */
  @IsOptional()
  @IsString()
  TLS_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  TLS_KEY_FILE?: string;

  /** `kid:base64key[,kid:base64key…]`: AES-256-GCM of personal data at rest; the first encrypts. */
  @IsOptional()
  @IsString()
  DATA_ENCRYPTION_KEY?: string;

  /** How long POST /api/v1/events waits for its queue before answering 503. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  PUBLISH_TIMEOUT_MS = 2000;

  @IsOptional()
  @IsRedisUrl({ cluster: true })
  REDIS_URL?: string;

  /**
   * Redis instances of their own for parts of the redis engine's traffic (docs/scaling.md): the
   * BullMQ queues (services connect here), the Socket.IO adapter's stream and pub/sub, and the
   * sessions. Each defaults to REDIS_URL, which keeps the orders, the log and the rest.
   */
  @IsOptional()
  @IsRedisUrl({ cluster: true })
  REDIS_QUEUES_URL?: string;

  @IsOptional()
  @IsRedisUrl()
  REDIS_ADAPTER_URL?: string;

  @IsOptional()
  @IsRedisUrl({ cluster: true })
  REDIS_SESSIONS_URL?: string;

  /**
   * How the redis engine's nodes tell each other about messages (engine/cluster-bus.ts): `redis`,
   * the engine's own pub/sub; `both` during a rolling upgrade from (or back to) a release whose
   * bus rode the Socket.IO adapter; `adapter`, that release's bus.
   */
  @IsIn(['redis', 'both', 'adapter'])
  CLUSTER_BUS: 'redis' | 'both' | 'adapter' = 'redis';

  /** POST /dev/token for the console; default on only with the built-in development secret. */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  DEV_TOKENS?: boolean;

  /**
   * Where the console views fetch a token, with the platform's cookies (the body: the token, or
   * `{ "token": … }`): a path on this origin or an https URL. Unset: a token is pasted or handed
   * over in the address (`#token=…`).
   */
  @IsOptional()
  @IsString()
  @Matches(/^(\/[^/\s][^\s]*|https:\/\/[^\s/]+(\/[^\s]*)?)$/, {
    message: 'CONSOLE_TOKEN_URL must be a path on this origin (/…) or an https URL',
  })
  CONSOLE_TOKEN_URL?: string;

  /**
   * order.place needs the tenant's published menu (prices come from it). Default: on in
   * production; off elsewhere, where a tenant without a menu takes the client's names and prices.
   */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  CATALOG_REQUIRED?: boolean;

  /** Prefix of every Redis key, stream and queue of this hub cluster. */
  @Matches(/^[A-Za-z0-9_.-]{1,32}$/)
  REDIS_PREFIX = 'orderwire';

  /** This node's name in the cluster (per-node queues, crash clean-up); random when unset. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/)
  NODE_ID?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  MESSAGE_TTL_SECONDS = 86_400;

  /** Messages kept in a tenant's log (redis engine; memory engine: in all); past it the oldest leave first. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  MESSAGE_RETENTION_MAX = 200_000;

  /** A tenant's log's size in stored JSON (memory engine: every log's); past it the oldest messages leave first. */
  @Transform(toInt)
  @IsInt()
  @Min(64 * 1024)
  MESSAGE_RETENTION_MAX_BYTES = 128 * 1024 * 1024;

  /** Final orders (delivered, cancelled, rejected) stay readable this long, then leave the store. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ORDER_RETENTION_SECONDS = 3600;

  /**
   * The business day of a restaurant that published no time zone with its menu: order numbers
   * (A-001 …) restart each day in it.
   */
  @IsTimeZone()
  ORDER_NUMBER_TIMEZONE = 'UTC';

  /**
   * At most this many final orders are kept, per tenant (redis engine: a tenant's on its Redis
   * Cluster slot; memory engine: in all); past it the oldest leave first.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  ORDER_RETENTION_MAX = 50_000;

  /** How long a dead letter is kept; default MESSAGE_TTL_SECONDS (its message is needed to replay it). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  DEAD_LETTER_TTL_SECONDS?: number;

  /** Dead letters kept per tenant; past it the tenant's oldest leave first. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  DEAD_LETTERS_PER_TENANT = 1000;

  /** Dead letters kept in all; past it the oldest leave first. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  DEAD_LETTERS_MAX = 50_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  DELIVERY_MAX_ATTEMPTS = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  DELIVERY_BACKOFF_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  REPLAY_MAX = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  METRICS_INTERVAL_MS = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  ORDER_ACCEPT_SLA_SECONDS = 120;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  PING_INTERVAL_MS = 25_000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  PING_TIMEOUT_MS = 20_000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_CLOSE_MS = 2000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_RECONNECT_IN_MS = 1000;
}
