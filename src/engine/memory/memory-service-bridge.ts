import { Logger } from '@nestjs/common';
import type { ClientCommand, CommandType, PublishJob } from '@orderwire/contracts';
import { publishJobId, QUEUE_JOB_OPTIONS } from '@orderwire/contracts';
import type { CommandHandler, PublishHandler, ServiceBridge } from '../service-bridge.js';

/**
 * In-process: subscribers are called directly (retried with backoff when they throw, like the
 * queue would), and publishes are handed to the hub at once. Repeated publish ids within ten
 * minutes return the first message id.
 */
export class MemoryServiceBridge implements ServiceBridge {
  private readonly logger = new Logger(MemoryServiceBridge.name);
  /** By command type: one handler per subscribing service (its module groups its own handlers). */
  private readonly handlers = new Map<CommandType, Map<string, CommandHandler>>();
  private publishHandler?: PublishHandler;
  private readonly published = new Map<string, { id: string; at: number }>();
  private readonly timers = new Set<NodeJS.Timeout>();

  hasSubscribers(type: CommandType): boolean {
    return (this.handlers.get(type)?.size ?? 0) > 0;
  }

  /** In-process handlers run at once: nothing waits in a queue. */
  backlogged(): undefined {
    return undefined;
  }

  dispatch(command: ClientCommand): Promise<void> {
    for (const handler of this.handlers.get(command.type)?.values() ?? []) this.run(handler, command, 1);
    return Promise.resolve();
  }

  subscribe(type: CommandType, handler: CommandHandler, service: string): void {
    const services = this.handlers.get(type) ?? new Map<string, CommandHandler>();
    if (services.has(service)) {
      throw new Error(`service ${service} already subscribed to ${type} in this process`);
    }
    services.set(service, handler);
    this.handlers.set(type, services);
  }

  async enqueuePublish(job: PublishJob): Promise<{ id: string }> {
    if (!this.publishHandler) throw new Error('the hub is not consuming publishes yet');
    const key = publishJobId(job);
    const now = Date.now();
    const seen = this.published.get(key);
    if (seen && now - seen.at < QUEUE_JOB_OPTIONS.removeOnComplete.age * 1000) return { id: seen.id };
    this.published.set(key, { id: job.id, at: now });
    if (this.published.size > 10_000) {
      for (const [k, v] of this.published)
        if (now - v.at >= QUEUE_JOB_OPTIONS.removeOnComplete.age * 1000) this.published.delete(k);
    }
    try {
      await this.publishHandler(job);
    } catch (err) {
      this.published.delete(key);
      throw err;
    }
    return { id: job.id };
  }

  consumePublishes(handler: PublishHandler): void {
    this.publishHandler = handler;
  }

  close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    return Promise.resolve();
  }

  private run(handler: CommandHandler, command: ClientCommand, attempt: number): void {
    handler(command).catch((err: unknown) => {
      if (attempt >= QUEUE_JOB_OPTIONS.attempts) {
        this.logger.error({ err, commandId: command.commandId }, 'command handler failed for good');
        return;
      }
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          this.run(handler, command, attempt + 1);
        },
        QUEUE_JOB_OPTIONS.backoff.delay * 2 ** (attempt - 1),
      );
      timer.unref();
      this.timers.add(timer);
    });
  }
}
