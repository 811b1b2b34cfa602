import type { Algorithm } from 'jsonwebtoken';
import type { CommandType, DecidableCommand, WebhookEventType } from '@orderwire/contracts';
import type { PatchName } from './transport-patches.js';

/** The validated, typed configuration of one hub node. Built once by `loadConfig`. */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  http: {
    port: number;
    host: string;
    trustProxy: boolean;
    /** Serve the OpenAPI document at /api/docs. */
    apiDocs: boolean;
    corsOrigins: string[];
    /** https/wss served directly (PEM file paths). */
    tls?: { certFile: string; keyFile: string };
  };
  ws: {
    path: string;
    transports: Array<'websocket' | 'polling'>;
    pingIntervalMs: number;
    pingTimeoutMs: number;
    maxHttpBufferSize: number;
    /** TRANSPORT_PATCHES: which patches of library internals may be used (transport/patches.ts). */
    patches: 'auto' | PatchName[];
  };
  log: { level: string; format: 'json' | 'pretty' };
  jwt: {
    algorithm: Algorithm;
    /** The HS256 secret or the RS256/ES256 public key (PEM). */
    key: string;
    issuer?: string;
    audience?: string;
    /** True when the built-in development secret is in use. */
    insecureDevSecret: boolean;
    /** Tokens living longer (exp - iat, or exp - now) are refused. */
    maxTokenTtlMs: number;
    maxServiceTokenTtlMs: number;
    /** CLOCK_SKEW_SECONDS: how far `iat` may be ahead; a revocation covers `iat` up to it past. */
    clockSkewMs: number;
    /** JWT_JWKS_URL: the identity provider's key set (then `key` is empty). */
    jwksUrl?: string;
    /** JWT_ROLE_CLAIM, JWT_SUBJECT_CLAIM, JWT_TENANT_CLAIM: where the role, user and tenant are. */
    roleClaim: string;
    subjectClaim: string;
    tenantClaim: string;
  };
  engine: {
    kind: 'memory' | 'redis';
    /** Where each part of the redis engine's traffic goes (REDIS_*_URL, each REDIS_URL if unset). */
    redisUrls?: RedisUrls;
    prefix: string;
    nodeId: string;
    /** REDIS_COMMAND_TIMEOUT_MS: the deadline of a Redis call on a command's path. */
    commandTimeoutMs: number;
    /** CLUSTER_BUS: the nodes' bus with the redis engine (engine/cluster-bus.ts). */
    bus: 'redis' | 'both' | 'adapter';
  };
  delivery: {
    messageTtlMs: number;
    retentionMax: number;
    retentionMaxBytes: number;
    maxAttempts: number;
    backoffMs: number;
    replayMax: number;
    deadLetters: { ttlMs: number; perTenant: number; max: number };
  };
  /**
   * Menus: the largest one (JSON bytes), how many tenants may have one, and whether order.place
   * needs one (CATALOG_REQUIRED).
   */
  menu: { maxBytes: number; maxTenants: number; required: boolean };
  /** Each tenant's audit trail: how long and how many entries are kept. */
  audit: { retentionMs: number; maxPerTenant: number };
  /** Final orders: how long and how many are kept. */
  orders: {
    retentionMs: number;
    retentionMax: number;
    /** TENANTS_MAX: tenants the redis engine keeps orders for. */
    maxTenants: number;
    timezone: string;
    /** Scheduled orders: SCHEDULE_MIN_LEAD_MINUTES and MAX_SCHEDULED_ORDERS_PER_TENANT. */
    scheduled: { minLeadMs: number; perTenant: number };
    /** COURIER_POSITION_TTL_SECONDS: how long a courier's last position is kept and shown. */
    courierPositionTtlMs: number;
    /** DAY_BOOK_MAX_ORDERS: finished orders kept per tenant and business day (section 15). */
    dayBookMax: number;
  };
  limits: {
    messageBytes: number;
    commandsPerSecond: number;
    commandBurst: number;
    userCommandsPerSecond: number;
    userCommandBurst: number;
    courierPerSecond: number;
    strikes: number;
    strikeWindowMs: number;
    publishPerSecond: number;
    publishBurst: number;
    sessionsPerUser: number;
    sessionsPerTenant: number;
    handshakesPerIpPerSecond: number;
    rawSessionsPerIp: number;
    activeOrders: { perCustomer: number; perTenant: number };
    connectTimeoutMs: number;
    idempotency: { ttlMs: number; perUser: number; max: number };
    /**
     * Bytes queued for a socket: past `maxBytes` at once, past `softBytes` for `softMs`; then
     * `closeGraceMs` to read the goodbye before the TCP socket is destroyed.
     */
    slowConsumer: { maxBytes: number; softBytes: number; softMs: number; closeGraceMs: number };
  };
  monitoring: {
    metricsIntervalMs: number;
    orderAcceptSlaMs: number;
    /** Bearer token for /metrics; undefined: open outside production, not served in production. */
    metricsToken?: string;
    tenantLabels: boolean;
  };
  publish: { timeoutMs: number };
  /** Client commands to subscribed services (redis engine): when a service is gone, its backlog. */
  services: { subscriberTtlMs: number; queueMax: number };
  /** Webhooks: backends the hub POSTs commands and events to (docs/protocol.md section 12). */
  webhooks: {
    hooks: WebhookConfig[];
    timeoutMs: number;
    maxAttempts: number;
    backoffMs: number;
    queueMax: number;
    /** Decisions (order.place accepted or rejected by a backend): per POST, and in flight per node. */
    decisionTimeoutMs: number;
    decisionsMax: number;
    /** In flight per tenant and per customer on a node: fair shares of decisionsMax. */
    decisionsPerTenant: number;
    decisionsPerCustomer: number;
    /** A deciding webhook's circuit breaker: consecutive failures that open it, and its cool-down. */
    breakerFailures: number;
    breakerCooldownMs: number;
  };
  /** AES-256-GCM keys for personal data at rest (redis engine): the first encrypts, all decrypt. */
  encryption?: { keys: Array<{ id: string; key: Buffer }> };
  /** graceMs: in-flight work; closeMs: closing the engine's connections, then they are forced. */
  shutdown: { graceMs: number; closeMs: number; reconnectInMs: number };
  /** POST /dev/token (development tokens for the console). */
  devTokens: boolean;
  /** CONSOLE_TOKEN_URL: where the console views fetch tokens (a path, or an https URL). */
  consoleTokenUrl?: string;
  /** Configured secrets anyone could know or guess (refused in production; a warning elsewhere). */
  weakSecrets: Array<{ setting: string; reason: string }>;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** One webhook: where, signed with what, for which tenants (all when absent) and messages. */
export interface WebhookConfig {
  id: string;
  url: string;
  secret: string;
  tenants?: string[];
  commands: CommandType[];
  events: WebhookEventType[];
  /** Commands it accepts or rejects before the hub carries them out, and what a failure means. */
  decides: DecidableCommand[];
  onFailure: 'reject' | 'accept';
}

/** The redis engine's Redis instances by role; any of them may be the same. */
export interface RedisUrls {
  /** Orders, the message log, menus, the audit trail, idempotency, caches: REDIS_URL. */
  store: string;
  queues: string;
  adapter: string;
  sessions: string;
}
