import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

import { EnvLimits } from './env.limits.js';
import { toInt } from './env.transforms.js';

/**
 * The settings of what the hub hands to other systems: client commands to subscribed services,
 * and webhooks to backends over HTTP (docs/protocol.md sections 7 and 12). Part of EnvSchema.
 */
export class EnvIntegrations extends EnvLimits {
  /**
   * Redis engine: the deadline of every Redis call on a command's path (the store, the sessions,
   * the hand-off to services and webhooks). Past it the command is answered UNAVAILABLE.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  REDIS_COMMAND_TIMEOUT_MS = 2000;

  /**
   * Redis engine: a service that subscribed to client commands and has not renewed its
   * subscription (every 30 s while it runs) for this long is gone: its queue is no longer fed.
   */
  @Transform(toInt)
  @IsInt()
  @Min(60_000)
  COMMAND_SUBSCRIBER_TTL_MS = 3_600_000;

  /**
   * Redis engine: the most commands waiting in one service's queue; past it, commands of that type
   * are refused (LIMIT_REACHED, scope `service`) until the service catches up.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  COMMAND_QUEUE_MAX = 50_000;

  /**
   * Webhooks: a JSON array of `{ id, url, secret, tenants?, commands?, events? }` (see
   * .env.example), or WEBHOOKS_FILE naming a file that holds it.
   */
  @IsOptional()
  @IsString()
  WEBHOOKS?: string;

  @IsOptional()
  @IsString()
  WEBHOOKS_FILE?: string;

  /** How long one webhook POST may take before it counts as failed (and is retried). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 5000;

  /** Attempts of one delivery before it is dead-lettered. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(25)
  WEBHOOK_MAX_ATTEMPTS = 8;

  /** The first retry's delay; each next one doubles (1 s, 2 s, 4 s … about 2 min in all). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  WEBHOOK_BACKOFF_MS = 1000;

  /** The most deliveries waiting for one webhook; past it new ones are dead-lettered at once. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_QUEUE_MAX = 10_000;

  /**
   * How long a deciding webhook may take to accept or reject an order while the customer waits;
   * at most 9 s, below the SDK's 10 s command timeout. Then its onFailure applies.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(9000)
  WEBHOOK_DECISION_TIMEOUT_MS = 3000;

  /** Decisions in flight per node; past it a placement that needs one is BACKEND_UNAVAILABLE. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_DECISIONS_MAX = 256;

  /**
   * Decisions in flight per tenant on a node (default an eighth of WEBHOOK_DECISIONS_MAX, at least
   * 1): one tenant's hanging backend, or its customers' flood, leaves the rest to other tenants.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_DECISIONS_PER_TENANT?: number;

  /** Decisions in flight per customer on a node: one waiting order, and a retry. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_DECISIONS_PER_CUSTOMER = 2;

  /** Consecutive failures of a deciding webhook after which its circuit breaker opens. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_BREAKER_FAILURES = 5;

  /** How long an open breaker answers at once before it lets one decision through again. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  WEBHOOK_BREAKER_COOLDOWN_MS = 30_000;
}
