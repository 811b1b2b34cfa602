import { randomBytes } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { AppConfig } from './app-config.js';
import { ConfigError } from './config-error.js';
import { withEnvFile } from './env-file.js';
import { jwtConfig } from './jwt-config.js';
import { EnvSchema } from './env.schema.js';
import { isClusterUrl, parseKeyring as parseSharedKeyring } from '@orderwire/realtime';
import { keyWeakness, secretWeakness } from './known-secrets.js';
import { tlsProblem } from './tls-policy.js';
import { transportPatches } from './transport-patches.js';
import { parseWebhooks } from './webhooks-config.js';

export { ConfigError } from './config-error.js';
export { DEV_JWT_SECRET } from './jwt-config.js';

/** The one reader of `process.env` (and of the env file, see env-file.ts). */
export function readProcessEnv(): { env: Record<string, string | undefined>; file?: string } {
  try {
    return withEnvFile({ ...process.env });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** The seeds' WS_PORT and WS_HOST: accepted for PORT and HOST, refused when they disagree. */
function applyAliases(env: Record<string, string>): void {
  for (const [alias, name] of [
    ['WS_PORT', 'PORT'],
    ['WS_HOST', 'HOST'],
  ] as const) {
    const value = env[alias];
    if (value === undefined) continue;
    if (env[name] !== undefined && env[name] !== value) {
      throw new ConfigError(`${alias}=${value} and ${name}=${env[name]} disagree: set ${name} only`);
    }
    env[name] = value;
    delete env[alias];
  }
}

/** Validates the environment once, failing fast with each bad variable's name. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const plain: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') plain[key] = value;
  }
  applyAliases(plain);
  const s = plainToInstance(EnvSchema, plain, { exposeDefaultValues: true });
  const errors = validateSync(s, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }

  const jwt = jwtConfig(s);

  const production = s.NODE_ENV === 'production';
  if (production && !s.CORS_ORIGINS) {
    throw new ConfigError(
      'CORS_ORIGINS: required in production (a comma-separated list of origins, or * for any origin, without credentials)',
    );
  }
  if (production && s.DEV_TOKENS) {
    throw new ConfigError('DEV_TOKENS: refused in production (it mints admin tokens for any tenant)');
  }
  const split = (['REDIS_QUEUES_URL', 'REDIS_ADAPTER_URL', 'REDIS_SESSIONS_URL'] as const).filter(
    (k) => s[k],
  );
  if (!s.REDIS_URL && split.length > 0) {
    throw new ConfigError(
      `${split.join(', ')}: the redis engine's; set REDIS_URL too (unset, the hub runs on memory)`,
    );
  }
  if (s.REDIS_URL && isClusterUrl(s.REDIS_URL) && !s.REDIS_ADAPTER_URL) {
    throw new ConfigError(
      'REDIS_ADAPTER_URL: required when REDIS_URL is a Redis Cluster: the Socket.IO adapter and the nodes\' bus run on one Redis (or a primary behind Sentinel) so far (docs/scaling.md)',
    );
  }
  if (!!s.TLS_CERT_FILE !== !!s.TLS_KEY_FILE) {
    throw new ConfigError('TLS_CERT_FILE and TLS_KEY_FILE: set both or neither');
  }
  const tlsUnfit =
    s.TLS_CERT_FILE && s.TLS_KEY_FILE ? tlsProblem(s.TLS_CERT_FILE, s.TLS_KEY_FILE) : undefined;
  if (tlsUnfit) throw new ConfigError(tlsUnfit);

  const hooks = webhooks(s.WEBHOOKS, s.WEBHOOKS_FILE);
  const keyring = s.DATA_ENCRYPTION_KEY ? parseKeyring(s.DATA_ENCRYPTION_KEY) : undefined;
  const weak = weakSecrets(s, hooks, keyring);
  if (production && weak.length > 0) {
    throw new ConfigError(
      `refused in production: ${weak.map((w) => `${w.setting} is ${w.reason}`).join('; ')} (make one with: openssl rand -hex 32)`,
    );
  }

  return {
    env: s.NODE_ENV,
    http: {
      port: s.PORT,
      host: s.HOST,
      trustProxy: s.TRUST_PROXY,
      apiDocs: s.API_DOCS ?? !production,
      corsOrigins: s.CORS_ORIGINS ?? ['*'],
      ...(s.TLS_CERT_FILE && s.TLS_KEY_FILE
        ? { tls: { certFile: s.TLS_CERT_FILE, keyFile: s.TLS_KEY_FILE } }
        : {}),
    },
    ws: {
      path: s.WS_PATH,
      transports: s.WS_TRANSPORTS,
      pingIntervalMs: s.PING_INTERVAL_MS,
      pingTimeoutMs: s.PING_TIMEOUT_MS,
      maxHttpBufferSize: s.MAX_HTTP_BUFFER_SIZE,
      patches: transportPatches(s.TRANSPORT_PATCHES),
    },
    log: { level: s.LOG_LEVEL, format: s.LOG_FORMAT ?? (s.NODE_ENV === 'production' ? 'json' : 'pretty') },
    jwt,
    engine: {
      kind: s.REDIS_URL ? 'redis' : 'memory',
      ...(s.REDIS_URL
        ? {
            redisUrls: {
              store: s.REDIS_URL,
              queues: s.REDIS_QUEUES_URL ?? s.REDIS_URL,
              adapter: s.REDIS_ADAPTER_URL ?? s.REDIS_URL,
              sessions: s.REDIS_SESSIONS_URL ?? s.REDIS_URL,
            },
          }
        : {}),
      prefix: s.REDIS_PREFIX,
      commandTimeoutMs: s.REDIS_COMMAND_TIMEOUT_MS,
      bus: s.CLUSTER_BUS,
      nodeId: s.NODE_ID ?? `node-${randomBytes(5).toString('hex')}`,
    },
    delivery: {
      messageTtlMs: s.MESSAGE_TTL_SECONDS * 1000,
      retentionMax: s.MESSAGE_RETENTION_MAX,
      retentionMaxBytes: s.MESSAGE_RETENTION_MAX_BYTES,
      maxAttempts: s.DELIVERY_MAX_ATTEMPTS,
      backoffMs: s.DELIVERY_BACKOFF_MS,
      replayMax: s.REPLAY_MAX,
      deadLetters: {
        ttlMs: (s.DEAD_LETTER_TTL_SECONDS ?? s.MESSAGE_TTL_SECONDS) * 1000,
        perTenant: s.DEAD_LETTERS_PER_TENANT,
        max: s.DEAD_LETTERS_MAX,
      },
    },
    audit: { retentionMs: s.AUDIT_RETENTION_DAYS * 86_400_000, maxPerTenant: s.AUDIT_MAX_PER_TENANT },
    menu: {
      maxBytes: s.MENU_MAX_BYTES,
      maxTenants: s.MENU_MAX_TENANTS,
      required: s.CATALOG_REQUIRED ?? production,
    },
    orders: {
      retentionMs: s.ORDER_RETENTION_SECONDS * 1000,
      retentionMax: s.ORDER_RETENTION_MAX,
      maxTenants: s.TENANTS_MAX,
      timezone: s.ORDER_NUMBER_TIMEZONE,
      scheduled: {
        minLeadMs: s.SCHEDULE_MIN_LEAD_MINUTES * 60_000,
        perTenant: s.MAX_SCHEDULED_ORDERS_PER_TENANT,
      },
      courierPositionTtlMs: s.COURIER_POSITION_TTL_SECONDS * 1000,
      dayBookMax: s.DAY_BOOK_MAX_ORDERS,
    },
    limits: {
      messageBytes: s.MESSAGE_MAX_BYTES,
      commandsPerSecond: s.RATE_COMMANDS_PER_SECOND,
      commandBurst: s.RATE_COMMAND_BURST,
      userCommandsPerSecond: s.RATE_USER_COMMANDS_PER_SECOND,
      userCommandBurst: s.RATE_USER_COMMAND_BURST,
      courierPerSecond: s.RATE_COURIER_PER_SECOND,
      strikes: s.RATE_STRIKES,
      strikeWindowMs: s.RATE_STRIKE_WINDOW_MS,
      publishPerSecond: s.RATE_PUBLISH_PER_SECOND,
      publishBurst: s.RATE_PUBLISH_BURST,
      sessionsPerUser: s.SESSIONS_PER_USER,
      sessionsPerTenant: s.SESSIONS_PER_TENANT,
      handshakesPerIpPerSecond: s.HANDSHAKES_PER_IP_PER_SECOND,
      rawSessionsPerIp: s.RAW_SESSIONS_PER_IP,
      activeOrders: {
        perCustomer: s.MAX_ACTIVE_ORDERS_PER_CUSTOMER,
        perTenant: s.MAX_ACTIVE_ORDERS_PER_TENANT,
      },
      connectTimeoutMs: s.CONNECT_TIMEOUT_MS,
      idempotency: {
        ttlMs: s.IDEMPOTENCY_TTL_SECONDS * 1000,
        perUser: s.IDEMPOTENCY_KEYS_PER_USER,
        max: s.IDEMPOTENCY_KEYS_MAX,
      },
      slowConsumer: {
        maxBytes: s.SLOW_CONSUMER_MAX_BYTES,
        softBytes: s.SLOW_CONSUMER_SOFT_BYTES,
        softMs: s.SLOW_CONSUMER_SOFT_MS,
        closeGraceMs: s.SLOW_CONSUMER_CLOSE_GRACE_MS,
      },
    },
    monitoring: {
      metricsIntervalMs: s.METRICS_INTERVAL_MS,
      orderAcceptSlaMs: s.ORDER_ACCEPT_SLA_SECONDS * 1000,
      metricsToken: s.METRICS_TOKEN,
      tenantLabels: s.METRICS_TENANT_LABELS,
    },
    publish: { timeoutMs: s.PUBLISH_TIMEOUT_MS },
    services: { subscriberTtlMs: s.COMMAND_SUBSCRIBER_TTL_MS, queueMax: s.COMMAND_QUEUE_MAX },
    webhooks: {
      hooks,
      timeoutMs: s.WEBHOOK_TIMEOUT_MS,
      maxAttempts: s.WEBHOOK_MAX_ATTEMPTS,
      backoffMs: s.WEBHOOK_BACKOFF_MS,
      queueMax: s.WEBHOOK_QUEUE_MAX,
      decisionTimeoutMs: s.WEBHOOK_DECISION_TIMEOUT_MS,
      decisionsMax: s.WEBHOOK_DECISIONS_MAX,
      decisionsPerTenant: Math.min(
        s.WEBHOOK_DECISIONS_MAX,
        s.WEBHOOK_DECISIONS_PER_TENANT ?? Math.max(1, Math.floor(s.WEBHOOK_DECISIONS_MAX / 8)),
      ),
      decisionsPerCustomer: s.WEBHOOK_DECISIONS_PER_CUSTOMER,
      breakerFailures: s.WEBHOOK_BREAKER_FAILURES,
      breakerCooldownMs: s.WEBHOOK_BREAKER_COOLDOWN_MS,
    },
    ...(keyring ? { encryption: { keys: keyring } } : {}),
    shutdown: {
      graceMs: s.SHUTDOWN_GRACE_MS,
      closeMs: s.SHUTDOWN_CLOSE_MS,
      reconnectInMs: s.SHUTDOWN_RECONNECT_IN_MS,
    },
    // Development tokens mint admin tokens for any tenant with the hub's own key: only with the
    // built-in development secret (which nobody trusts), or when asked for by name.
    devTokens: s.DEV_TOKENS ?? (jwt.insecureDevSecret && !s.REDIS_URL),
    consoleTokenUrl: s.CONSOLE_TOKEN_URL,
    weakSecrets: weak,
  };
}

/**
 * Every configured secret that anyone could know or guess (known-secrets.ts): refused in
 * production, warned about elsewhere. The built-in development secret is not configured, so it
 * is not listed here (its own warning says it).
 */
function weakSecrets(
  s: EnvSchema,
  hooks: AppConfig['webhooks']['hooks'],
  keyring: Array<{ id: string; key: Buffer }> | undefined,
): Array<{ setting: string; reason: string }> {
  const out: Array<{ setting: string; reason: string }> = [];
  const check = (setting: string, reason: string | undefined): void => {
    if (reason) out.push({ setting, reason });
  };
  if (s.JWT_SECRET) check('JWT_SECRET', secretWeakness(s.JWT_SECRET));
  if (s.METRICS_TOKEN) check('METRICS_TOKEN', secretWeakness(s.METRICS_TOKEN));
  for (const hook of hooks) check(`webhook ${hook.id}'s secret`, secretWeakness(hook.secret));
  for (const k of keyring ?? [])
    check(`DATA_ENCRYPTION_KEY ${k.id}`, keyWeakness(k.key.toString('base64'), k.key));
  return out;
}

function webhooks(raw: string | undefined, file: string | undefined): AppConfig['webhooks']['hooks'] {
  try {
    return parseWebhooks(raw, file);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** DATA_ENCRYPTION_KEY (@orderwire/realtime's parseKeyring, which the services use too). */
function parseKeyring(raw: string): Array<{ id: string; key: Buffer }> {
  try {
    return parseSharedKeyring(raw);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}
