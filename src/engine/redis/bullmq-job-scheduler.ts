import { Logger } from '@nestjs/common';
import { QUEUE_NAMES } from '@orderwire/contracts';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { JobHandler, JobKind, JobScheduler } from '../job-scheduler.js';
import { disconnectAll } from './bullmq-disconnect.js';

/**
 * Retention per kind: a redelivery's id (the message id) is reused for its next attempt, so it is
 * freed at once; SLA sweeps (keyed by interval), store wakes (tenant and time) and scheduled
 * orders' fires (tenant and order) are kept an hour, so that a node scheduling one that already
 * ran does not run it again (their handlers check the state anyway).
 */
const RETENTION = {
  redelivery: { removeOnComplete: true, removeOnFail: { count: 1000 } },
  'order-sla': { removeOnComplete: { age: 3600 }, removeOnFail: { age: 3600 } },
  // Keyed by tenant and wake time: every node scheduling the same wake keeps one job.
  'store-wake': { removeOnComplete: { age: 3600 }, removeOnFail: { count: 1000 } },
  // Keyed by tenant and order: every node scheduling one order's fire keeps one job.
  'order-fire': { removeOnComplete: { age: 3600 }, removeOnFail: { count: 1000 } },
} as const;

/**
 * Delayed jobs on BullMQ. The job id is the key, so scheduling the same key twice keeps one job;
 * a handler that throws is retried by BullMQ with exponential backoff (3 attempts).
 */
export class BullmqJobScheduler implements JobScheduler {
  private readonly logger = new Logger(BullmqJobScheduler.name);
  private readonly queues = new Map<JobKind, Queue>();
  private readonly workers: Worker[] = [];

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
    private readonly nodeId: string,
  ) {}

  handle(kind: JobKind, handler: JobHandler): void {
    this.queue(kind);
    const worker = new Worker(
      this.name(kind),
      async (job) => {
        await handler((job.data as { key: string }).key);
      },
      { connection: this.connection, prefix: this.prefix, concurrency: 16 },
    );
    worker.on('error', (err) => this.logger.warn({ err, kind }, 'queue worker error'));
    this.workers.push(worker);
  }

  async schedule(kind: JobKind, key: string, delayMs: number): Promise<void> {
    await this.queue(kind).add(
      kind,
      { key },
      {
        jobId: key,
        delay: delayMs,
        attempts: 3,
        backoff: { type: 'exponential', delay: 500 },
        ...RETENTION[kind],
      },
    );
  }

  async cancel(kind: JobKind, key: string): Promise<void> {
    try {
      await this.queue(kind).remove(key);
    } catch {
      // Already running or gone: its handler re-checks the state anyway.
    }
  }

  async depth(): Promise<number> {
    let n = 0;
    for (const q of this.queues.values()) {
      const c = await q.getJobCounts('delayed', 'waiting', 'active');
      n += (c.delayed ?? 0) + (c.waiting ?? 0) + (c.active ?? 0);
    }
    return n;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /** The forced close: drops every connection at once (Redis may be gone). */
  disconnect(): void {
    disconnectAll([...this.workers, ...this.queues.values()]);
  }

  private queue(kind: JobKind): Queue {
    let q = this.queues.get(kind);
    if (!q) {
      q = new Queue(this.name(kind), { connection: this.connection, prefix: this.prefix });
      q.on('error', (err) => this.logger.warn({ err, kind }, 'queue error'));
      this.queues.set(kind, q);
    }
    return q;
  }

  private name(kind: JobKind): string {
    if (kind === 'redelivery') return QUEUE_NAMES.redelivery(this.nodeId);
    if (kind === 'order-fire') return QUEUE_NAMES.orderFire;
    return kind === 'order-sla' ? QUEUE_NAMES.orderSla : QUEUE_NAMES.storeWake;
  }
}
