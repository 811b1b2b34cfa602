import { Logger } from '@nestjs/common';
import type { ClientCommand, CommandType, PublishJob } from '@orderwire/contracts';
import {
  bullPrefix,
  QUEUE_JOB_OPTIONS,
  QUEUE_NAMES,
  subscribedCommandsChannel,
  subscribedCommandsKey,
} from '@orderwire/contracts';
import { enqueuePublish } from '@orderwire/realtime';
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CommandHandler, PublishHandler, ServiceBridge } from '../service-bridge.js';
import { disconnectAll } from './bullmq-disconnect.js';

const REFRESH_SUBSCRIPTIONS_MS = 2000;

/**
 * A job taken by a node that then dies (SIGKILL, a crash) is "stalled": BullMQ gives it to another
 * worker once its lock has lapsed and a stalled check has seen it. Its defaults (a 30 s lock, a
 * check every 30 s) held an accepted publish back for up to a minute, past what the chaos suite's
 * node kill waits; here that is 5 s + 5 s. The lock is renewed every 2.5 s while a job runs (ours
 * take milliseconds), and a job may stall three times before it fails, rather than once.
 */
const STALLED = { lockDuration: 5000, stalledInterval: 5000, maxStalledCount: 3 } as const;

/**
 * Through BullMQ: the `publish` queue in, one `commands-<type>` queue out per command type that
 * some service subscribed to (the Redis set `subscribedCommandsKey`). Job ids make a second
 * enqueue of the same publish or command a no-op.
 */
export class BullmqServiceBridge implements ServiceBridge {
  private readonly logger = new Logger(BullmqServiceBridge.name);
  private readonly prefix: string;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private subscribed = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private readonly changes: Redis;

  constructor(
    private readonly connection: Redis,
    private readonly redisPrefix: string,
  ) {
    this.prefix = bullPrefix(redisPrefix);
    void this.refresh();
    // Polled, and refreshed at once when a service announces a subscription.
    this.timer = setInterval(() => void this.refresh(), REFRESH_SUBSCRIPTIONS_MS);
    this.timer.unref();
    this.changes = connection.duplicate();
    this.changes.on('error', () => undefined);
    this.changes.on('message', () => void this.refresh());
    void this.changes.subscribe(subscribedCommandsChannel(redisPrefix)).catch(() => undefined);
  }

  hasSubscribers(type: CommandType): boolean {
    return this.subscribed.has(type);
  }

  async dispatch(command: ClientCommand): Promise<void> {
    await this.queue(QUEUE_NAMES.commands(command.type)).add(command.type, command, {
      jobId: command.commandId,
      ...QUEUE_JOB_OPTIONS,
    });
  }

  subscribe(type: CommandType, handler: CommandHandler): void {
    this.worker(QUEUE_NAMES.commands(type), (job) => handler(job.data as ClientCommand));
    this.subscribed.add(type);
    void this.connection.sadd(subscribedCommandsKey(this.redisPrefix), type).catch(() => undefined);
  }

  enqueuePublish(job: PublishJob): Promise<{ id: string }> {
    return enqueuePublish(this.queue(QUEUE_NAMES.publish), job);
  }

  consumePublishes(handler: PublishHandler): void {
    this.worker(QUEUE_NAMES.publish, (job) => handler(job.data as PublishJob));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.changes.disconnect();
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /** The forced close: drops every connection at once (Redis may be gone). */
  disconnect(): void {
    clearInterval(this.timer);
    this.changes.disconnect();
    disconnectAll([...this.workers, ...this.queues.values()]);
  }

  private async refresh(): Promise<void> {
    try {
      this.subscribed = new Set(await this.connection.smembers(subscribedCommandsKey(this.redisPrefix)));
    } catch {
      // Keep the last known set while Redis is away.
    }
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      q.on('error', (err) => this.logger.warn({ err: err.message, queue: name }, 'queue error'));
      this.queues.set(name, q);
    }
    return q;
  }

  private worker(name: string, process: (job: Job) => Promise<void>): void {
    const worker = new Worker(name, process, {
      connection: this.connection,
      prefix: this.prefix,
      concurrency: 32,
      ...STALLED,
    });
    worker.on('error', (err) => this.logger.warn({ err: err.message, queue: name }, 'worker error'));
    worker.on('failed', (job, err) =>
      this.logger.warn({ jobId: job?.id, err: err.message, queue: name }, 'job failed'),
    );
    this.workers.push(worker);
  }
}
