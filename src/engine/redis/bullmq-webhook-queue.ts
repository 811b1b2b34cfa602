import { Logger } from '@nestjs/common';
import { QUEUE_NAMES } from '@orderwire/contracts';
import { type Job, Queue, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { WebhookJob, WebhookQueue, WebhookRetryPolicy, WebhookSender } from '../webhook-queue.js';
import { disconnectAll } from './bullmq-disconnect.js';
import { openedJob, type SealedJob, sealedJob } from '@orderwire/realtime';
import { Sealer } from './sealer.js';

/**
 * BullMQ, one queue per webhook (`webhooks-<id>`): deliveries survive a node and wait while the
 * backend is down; any node sends them. The job id is the delivery id, so a delivery is queued
 * once; attempts and exponential backoff are BullMQ's. Completed jobs are kept 10 minutes (a
 * repeat within them is a no-op); the sender dead-letters the last failed attempt itself.
 */
export class BullmqWebhookQueue implements WebhookQueue {
  private readonly logger = new Logger(BullmqWebhookQueue.name);
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];

  constructor(
    private readonly connection: Redis | Cluster,
    private readonly prefix: string,
    private readonly policy: WebhookRetryPolicy,
    /** DATA_ENCRYPTION_KEY: a job's body (the order, its address and notes) is kept sealed. */
    private readonly sealer: Sealer = new Sealer(),
  ) {}

  async add(job: WebhookJob): Promise<'queued' | 'full'> {
    const queue = this.queue(job.webhookId);
    if ((await queue.count()) >= this.policy.queueMax) return 'full';
    await queue.add(job.type, sealedJob(this.sealer, job), {
      jobId: job.queueId,
      attempts: this.policy.maxAttempts,
      backoff: { type: 'exponential', delay: this.policy.backoffMs },
      removeOnComplete: { age: 600 },
      removeOnFail: { age: 24 * 3600 },
    });
    return 'queued';
  }

  process(webhookIds: readonly string[], send: WebhookSender): void {
    for (const id of webhookIds) {
      const worker = new Worker(
        QUEUE_NAMES.webhooks(id),
        (job: Job<WebhookJob | SealedJob>) =>
          send(openedJob(this.sealer, job.data), {
            attempt: job.attemptsMade + 1,
            last: job.attemptsMade + 1 >= this.policy.maxAttempts,
          }),
        { connection: this.connection, prefix: this.prefix, concurrency: 8 },
      );
      worker.on('error', (err) =>
        this.logger.warn({ err: err.message, webhook: id }, 'webhook worker error'),
      );
      this.workers.push(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /** The forced close: drops every connection at once (Redis may be gone). */
  disconnect(): void {
    disconnectAll([...this.workers, ...this.queues.values()]);
  }

  private queue(webhookId: string): Queue {
    let q = this.queues.get(webhookId);
    if (!q) {
      q = new Queue(QUEUE_NAMES.webhooks(webhookId), { connection: this.connection, prefix: this.prefix });
      q.on('error', (err) =>
        this.logger.warn({ err: err.message, webhook: webhookId }, 'webhook queue error'),
      );
      this.queues.set(webhookId, q);
    }
    return q;
  }
}
