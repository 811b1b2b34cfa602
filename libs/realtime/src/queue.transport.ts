import type { Logger } from '@nestjs/common';
import type { ClientCommand, CommandType, PublishJob } from '@orderwire/contracts';
import {
  bullPrefix,
  commandSubscribersKey,
  publishJobId,
  QUEUE_JOB_OPTIONS,
  QUEUE_NAMES,
  SUBSCRIPTION_HEARTBEAT_MS,
  subscribedCommandsChannel,
  subscriptionField,
} from '@orderwire/contracts';
import { Job, Queue, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { closeWithin } from './bounded-close.js';
import { RealtimeError } from './realtime.error.js';
import type { RealtimeTransport, TransportHealth } from './realtime.transport.js';
import { createRedisClient, isClusterClient } from './redis-url.js';
import { openedJob, type SealedJob, sealedJob } from './sealed-job.js';
import { Sealer } from './sealer.js';

export const DEFAULT_CLOSE_TIMEOUT_MS = 2000;

/** An error of the connection to Redis, not of a command: each of a worker's sockets reports one. */
function isConnectionError(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    (typeof code === 'string' && /^(ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH)/.test(code)) ||
    /ECONN|Connection is closed|EPIPE|ETIMEDOUT|socket hang up/i.test(err.message)
  );
}
export const DEFAULT_PUBLISH_TIMEOUT_MS = 5000;
export const DEFAULT_CONCURRENCY = 16;

/**
 * Adds a publish to the `publish` queue and answers its message id. The job id comes from the
 * requestId when there is one, so a repeat is a no-op that answers the first message's id. Used
 * by this transport and by the hub's own HTTP intake.
 */
export async function enqueuePublish(
  queue: Queue,
  job: PublishJob,
  sealer: Sealer = new Sealer(),
): Promise<{ id: string }> {
  const jobId = publishJobId(job);
  await queue.add(job.type, sealedJob(sealer, job), { jobId, ...QUEUE_JOB_OPTIONS });
  if (!job.requestId) return { id: job.id };
  const first = await Job.fromId<PublishJob | SealedJob>(queue, jobId);
  return { id: first ? openedJob(sealer, first.data).id : job.id };
}

export interface QueueTransportOptions {
  redis: { url: string } | { client: Redis | Cluster };
  prefix: string;
  serviceId: string;
  publishTimeoutMs: number;
  concurrency: number;
  closeTimeoutMs: number;
  /** The hub cluster's DATA_ENCRYPTION_KEY keyring: jobs are kept sealed, as the hub keeps them. */
  sealer?: Sealer;
}

/**
 * The redis engine's way in: publishes go to the `publish` queue (so they wait there while every
 * hub node is down); accepted commands come from this service's own `commands-<type>@<serviceId>`
 * queues, which the hub fills for every service registered in `commandSubscribersKey` (renewed
 * every SUBSCRIPTION_HEARTBEAT_MS while it runs). While Redis is away: one warning (and one line
 * when it is back), publishes reject after `publishTimeoutMs`, the workers and the registration
 * resume by themselves.
 */
export class QueueTransport implements RealtimeTransport {
  private readonly connection: Redis | Cluster;
  /** BullMQ's prefix: hash-tagged on a Redis Cluster (contracts' bullPrefix). */
  private readonly bullPrefix: string;
  private readonly owned: boolean;
  private readonly publishQueue: Queue;
  private readonly workers: Worker[] = [];
  private readonly types: CommandType[] = [];
  private readonly heartbeat: NodeJS.Timeout;
  private lastError?: string;

  constructor(
    private readonly options: QueueTransportOptions,
    private readonly logger: Logger,
  ) {
    const { redis } = options;
    this.owned = 'url' in redis;
    this.connection =
      'url' in redis ? createRedisClient(redis.url, { maxRetriesPerRequest: null }) : redis.client;
    this.bullPrefix = bullPrefix(options.prefix, isClusterClient(this.connection));
    this.connection.on('error', (err: Error) => this.down(err));
    this.connection.on('ready', () => this.up());
    this.publishQueue = new Queue(QUEUE_NAMES.publish, {
      connection: this.connection,
      prefix: this.bullPrefix,
    });
    this.publishQueue.on('error', (err) => this.down(err));
    this.heartbeat = setInterval(() => void this.register(), SUBSCRIPTION_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async publish(job: PublishJob): Promise<{ id: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new RealtimeError(
              'INTERNAL',
              `the hub cluster's Redis did not answer within ${this.options.publishTimeoutMs} ms${this.lastError ? ` (${this.lastError})` : ''}`,
            ),
          ),
        this.options.publishTimeoutMs,
      );
    });
    try {
      return await Promise.race([enqueuePublish(this.publishQueue, job, this.options.sealer), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  subscribe(type: CommandType, handler: (command: ClientCommand) => Promise<void>): void {
    const queue = QUEUE_NAMES.commands(type, this.options.serviceId);
    const sealer = this.options.sealer ?? new Sealer();
    const worker = new Worker(queue, (job: Job) => handler(openedJob<ClientCommand>(sealer, job.data)), {
      connection: this.connection,
      prefix: this.bullPrefix,
      concurrency: this.options.concurrency,
    });
    // Connection trouble is the outage's to report (once); anything else is worth a line.
    worker.on('error', (err) => {
      if (isConnectionError(err) || this.connection.status !== 'ready') this.down(err);
      else this.logger.warn(`worker of ${queue}: ${err.message}`);
    });
    worker.on('failed', (job, err) =>
      this.logger.warn(
        `${type} command ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'} of ${QUEUE_JOB_OPTIONS.attempts}): ${err.message}`,
      ),
    );
    this.workers.push(worker);
    this.types.push(type);
    void this.register();
  }

  async health(): Promise<TransportHealth> {
    const base = { transport: 'redis' as const, subscriptions: [...this.types] };
    if (this.connection.status !== 'ready') {
      return { ...base, up: false, reason: this.lastError ?? `redis ${this.connection.status}` };
    }
    return { ...base, up: true };
  }

  /**
   * Closes the workers, the queue and (if it owns it) the connection within `closeTimeoutMs`;
   * what is still pending then is force-disconnected, at once when Redis is already unreachable,
   * so that a service whose Redis is gone still stops. The registration is left to expire (the
   * hub keeps queueing for a restarting service), not removed.
   */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    const bull = [...this.workers, this.publishQueue];
    const connection = this.connection;
    await closeWithin(
      [
        {
          name: 'bullmq',
          close: () => Promise.all(bull.map((b) => b.close())),
          force: () => bull.forEach((b) => void b.disconnect().catch(() => undefined)),
        },
        ...(this.owned
          ? [{ name: 'redis', close: () => connection.quit(), force: () => connection.disconnect() }]
          : []),
      ],
      this.options.closeTimeoutMs,
      connection.status !== 'ready',
    );
  }

  /** Says "this service handles these types, now" to the hub cluster (and wakes the hubs up). */
  private async register(): Promise<void> {
    if (this.types.length === 0 || this.connection.status !== 'ready') return;
    const now = String(Date.now());
    const fields = this.types.flatMap((type) => [subscriptionField(type, this.options.serviceId), now]);
    try {
      await this.connection.hset(commandSubscribersKey(this.options.prefix), ...fields);
      await this.connection.publish(subscribedCommandsChannel(this.options.prefix), this.options.serviceId);
    } catch (err) {
      this.down(err as Error);
    }
  }

  private down(err: Error): void {
    const message = err.message || String(err);
    if (this.lastError === undefined) {
      this.logger.warn(`the hub cluster's Redis is unreachable (${message}); retrying`);
    }
    this.lastError = message;
  }

  private up(): void {
    if (this.lastError !== undefined) this.logger.log(`the hub cluster's Redis is back`);
    this.lastError = undefined;
    void this.register();
  }
}
