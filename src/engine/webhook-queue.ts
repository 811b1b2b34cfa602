import type { AppConfig } from '../config/app-config.js';

/** One POST to one webhook, as queued: the body is signed again at every attempt. */
export interface WebhookJob {
  /** `<webhookId>.<command or message id>`: queued once, the same on every retry. */
  deliveryId: string;
  /** What the queue dedupes on: the delivery id, or a dead letter's id when it is replayed. */
  queueId: string;
  webhookId: string;
  tenantId: string;
  type: string;
  body: string;
}

/** Which attempt this is; on the last one the sender dead-letters what fails, not the queue. */
export interface WebhookAttempt {
  attempt: number;
  last: boolean;
}

/** Sends one attempt; throws to have it retried after the backoff. */
export type WebhookSender = (job: WebhookJob, attempt: WebhookAttempt) => Promise<void>;

export interface WebhookRetryPolicy {
  maxAttempts: number;
  /** The first retry's delay; each next one doubles. */
  backoffMs: number;
  /** Deliveries waiting (or retrying) for one webhook at most. */
  queueMax: number;
}

/**
 * Webhook deliveries waiting to be sent, per webhook (docs/protocol.md section 12). The redis
 * engine keeps them in BullMQ (one queue per webhook, so they survive a node and wait while the
 * backend is down); the memory engine in this process. The contract suite holds both to it.
 */
export interface WebhookQueue {
  /** Queues it (a second add of the same deliveryId is a no-op); `full` past `queueMax`. */
  add(job: WebhookJob): Promise<'queued' | 'full'>;
  /** Starts sending the deliveries of these webhooks. */
  process(webhookIds: readonly string[], send: WebhookSender): void;
  close(): Promise<void>;
}

export function webhookPolicy(config: AppConfig): WebhookRetryPolicy {
  const { maxAttempts, backoffMs, queueMax } = config.webhooks;
  return { maxAttempts, backoffMs, queueMax };
}
