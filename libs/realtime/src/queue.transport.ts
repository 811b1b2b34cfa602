import type { ClientCommand, CommandType, PublishJob } from '@orderwire/contracts';
import {
  bullPrefix,
  publishJobId,
  QUEUE_JOB_OPTIONS,
  QUEUE_NAMES,
  subscribedCommandsChannel,
  subscribedCommandsKey,
} from '@orderwire/contracts';
import { Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { closeWithin } from './bounded-close.js';
import type { RealtimeTransport } from './realtime.transport.js';

export const DEFAULT_CLOSE_TIMEOUT_MS = 2000;

/**
 * Adds a publish to the `publish` queue and answers its message id. The job id comes from the
 * requestId when there is one, so a repeat is a no-op that answers the first message's id. Used
 * by this transport and by the hub's own HTTP intake.
 */
export async function enqueuePublish(queue: Queue, job: PublishJob): Promise<{ id: string }> {
  const jobId = publishJobId(job);
  await queue.add(job.type, job, { jobId, ...QUEUE_JOB_OPTIONS });
  if (!job.requestId) return { id: job.id };
  const first = await Job.fromId<PublishJob>(queue, jobId);
  return { id: first?.data.id ?? job.id };
}

/**
 * The redis engine's way in: publishes go to the `publish` queue (so they wait there while every
 * hub node is down), accepted commands come from `commands-<type>` queues.
 */
export class QueueTransport implements RealtimeTransport {
  private readonly connection: Redis;
  private readonly owned: boolean;
  private readonly publishQueue: Queue;
  private readonly workers: Worker[] = [];

  constructor(
    redis: { url: string } | { client: Redis },
    private readonly prefix: string,
    private readonly closeTimeoutMs = DEFAULT_CLOSE_TIMEOUT_MS,
  ) {
    this.owned = 'url' in redis;
    this.connection = 'url' in redis ? new Redis(redis.url, { maxRetriesPerRequest: null }) : redis.client;
    this.publishQueue = new Queue(QUEUE_NAMES.publish, {
      connection: this.connection,
      prefix: bullPrefix(prefix),
    });
  }

  publish(job: PublishJob): Promise<{ id: string }> {
    return enqueuePublish(this.publishQueue, job);
  }

  async subscribe(type: CommandType, handler: (command: ClientCommand) => Promise<void>): Promise<void> {
    const worker = new Worker(QUEUE_NAMES.commands(type), (job: Job) => handler(job.data as ClientCommand), {
      connection: this.connection,
      prefix: bullPrefix(this.prefix),
      concurrency: 16,
    });
    worker.on('error', () => undefined);
    this.workers.push(worker);
    await this.connection.sadd(subscribedCommandsKey(this.prefix), type);
    await this.connection.publish(subscribedCommandsChannel(this.prefix), type);
  }

  /**
   * Closes the workers, the queue and (if it owns it) the connection within `closeTimeoutMs`;
   * what is still pending then is force-disconnected, at once when Redis is already unreachable,
   * so that a service whose Redis is gone still stops.
   */
  async close(): Promise<void> {
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
      this.closeTimeoutMs,
      connection.status !== 'ready',
    );
  }
}
