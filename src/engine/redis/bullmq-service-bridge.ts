import { Logger } from '@nestjs/common';
import type { ClientCommand, CommandType, PublishJob } from '@orderwire/contracts';
import {
  bullPrefix,
  QUEUE_JOB_OPTIONS,
  QUEUE_NAMES,
  commandSubscribersKey,
  isCommandType,
  subscribedCommandsChannel,
  subscribedCommandsKey,
  subscriptionField,
} from '@orderwire/contracts';
import { enqueuePublish, isClusterClient, openedJob, Sealer, sealedJob } from '@orderwire/realtime';
import { type Job, Queue, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
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

export interface ServiceBridgeBounds {
  /** A subscription not renewed for this long is a service that is gone. */
  subscriberTtlMs: number;
  /** The most commands waiting in one service's queue before its types are refused. */
  queueMax: number;
}

/** A service's queue for one command type; `service` undefined: a pre-0.2 library's shared queue. */
interface Subscriber {
  service?: string;
  queue: string;
  waiting: number;
}

/**
 * Through BullMQ: the `publish` queue in; out, one `commands-<type>@<service>` queue per command
 * type and subscribing service (the Redis hash `commandSubscribersKey`, renewed by each service
 * while it runs), so that every service gets every command and a service's replicas compete for
 * it. Job ids (the commandId) make a second enqueue of the same command a no-op. Every refresh
 * also counts what waits in each queue, so that a full one refuses commands (backlogged) before
 * they are carried out, rather than growing without a bound.
 */
export class BullmqServiceBridge implements ServiceBridge {
  private readonly logger = new Logger(BullmqServiceBridge.name);
  private readonly prefix: string;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private subscribers = new Map<CommandType, Subscriber[]>();
  /** In-process subscriptions (a RealtimeModule inside the hub), renewed with every refresh. */
  private readonly own = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private readonly changes: Redis | Cluster;

  constructor(
    private readonly connection: Redis | Cluster,
    private readonly redisPrefix: string,
    private readonly bounds: ServiceBridgeBounds,
    /** DATA_ENCRYPTION_KEY: publishes and commands are kept sealed (the services hold the key too). */
    private readonly sealer: Sealer = new Sealer(),
  ) {
    this.prefix = bullPrefix(redisPrefix, isClusterClient(connection));
    void this.refresh();
    // Polled, and refreshed at once when a service announces a subscription.
    this.timer = setInterval(() => void this.refresh(), REFRESH_SUBSCRIPTIONS_MS);
    this.timer.unref();
    // Redis' and Cluster's duplicate() differ in their arguments: one call each.
    this.changes = isClusterClient(connection) ? connection.duplicate() : connection.duplicate();
    this.changes.on('error', () => undefined);
    this.changes.on('message', () => void this.refresh());
    void this.changes.subscribe(subscribedCommandsChannel(redisPrefix)).catch(() => undefined);
  }

  hasSubscribers(type: CommandType): boolean {
    return this.subscribers.has(type);
  }

  backlogged(type: CommandType): { service: string; waiting: number; limit: number } | undefined {
    const full = this.subscribers.get(type)?.find((s) => s.waiting >= this.bounds.queueMax);
    return (
      full && { service: full.service ?? '(shared)', waiting: full.waiting, limit: this.bounds.queueMax }
    );
  }

  async dispatch(command: ClientCommand): Promise<void> {
    const options = { jobId: command.commandId, ...QUEUE_JOB_OPTIONS };
    await Promise.all(
      (this.subscribers.get(command.type) ?? []).map((s) =>
        this.queue(s.queue).add(command.type, sealedJob(this.sealer, command), options),
      ),
    );
  }

  subscribe(type: CommandType, handler: CommandHandler, service: string): void {
    this.worker(QUEUE_NAMES.commands(type, service), (job) =>
      handler(openedJob<ClientCommand>(this.sealer, job.data)),
    );
    this.own.add(subscriptionField(type, service));
    void this.refresh();
  }

  enqueuePublish(job: PublishJob): Promise<{ id: string }> {
    return enqueuePublish(this.queue(QUEUE_NAMES.publish), job, this.sealer);
  }

  consumePublishes(handler: PublishHandler): void {
    this.worker(QUEUE_NAMES.publish, (job) => handler(openedJob<PublishJob>(this.sealer, job.data)));
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

  /**
   * Reads who subscribed (renewing this process's own subscriptions first), keeps those seen
   * within the TTL, and counts what waits in each of their queues. Keeps the last known state
   * while Redis is away.
   */
  private async refresh(): Promise<void> {
    try {
      const key = commandSubscribersKey(this.redisPrefix);
      if (this.own.size > 0) {
        const now = String(Date.now());
        await this.connection.hset(key, ...[...this.own].flatMap((field) => [field, now]));
      }
      const [registered, legacy] = await Promise.all([
        this.connection.hgetall(key),
        this.connection.smembers(subscribedCommandsKey(this.redisPrefix)),
      ]);
      const live: Array<{ type: CommandType; service?: string }> = legacy
        .filter(isCommandType)
        .map((type) => ({ type }));
      const oldest = Date.now() - this.bounds.subscriberTtlMs;
      for (const [field, seen] of Object.entries(registered)) {
        const at = field.indexOf('@');
        const type = field.slice(0, at);
        if (at > 0 && isCommandType(type) && Number(seen) >= oldest)
          live.push({ type, service: field.slice(at + 1) });
      }
      const next = new Map<CommandType, Subscriber[]>();
      await Promise.all(
        live.map(async ({ type, service }) => {
          const queue = QUEUE_NAMES.commands(type, service);
          const waiting = await this.queue(queue).count();
          next.set(type, [...(next.get(type) ?? []), { service, queue, waiting }]);
        }),
      );
      this.subscribers = next;
    } catch {
      // Keep the last known subscribers while Redis is away.
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
