import { Logger } from '@nestjs/common';
import type { JobHandler, JobKind, JobScheduler } from '../job-scheduler.js';

/** The longest a Node timer waits; a longer delay would fire at once (TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Delayed jobs on timers. They die with the process, like everything in the memory engine. A job
 * further away than a timer can wait (a store's next opening after a long holiday) runs at
 * MAX_TIMER_MS, early: handlers check the time and schedule themselves again.
 */
export class MemoryJobScheduler implements JobScheduler {
  private readonly logger = new Logger(MemoryJobScheduler.name);
  private readonly handlers = new Map<JobKind, JobHandler>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  handle(kind: JobKind, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  schedule(kind: JobKind, key: string, delayMs: number): Promise<void> {
    const id = `${kind}\u0000${key}`;
    if (this.closed || this.timers.has(id)) return Promise.resolve();
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        void this.run(kind, key);
      },
      Math.min(Math.max(0, delayMs), MAX_TIMER_MS),
    );
    timer.unref();
    this.timers.set(id, timer);
    return Promise.resolve();
  }

  cancel(kind: JobKind, key: string): Promise<void> {
    const id = `${kind}\u0000${key}`;
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    return Promise.resolve();
  }

  depth(): Promise<number> {
    return Promise.resolve(this.timers.size);
  }

  close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    return Promise.resolve();
  }

  private async run(kind: JobKind, key: string): Promise<void> {
    const handler = this.handlers.get(kind);
    if (!handler) return;
    try {
      await handler(key);
    } catch (err) {
      this.logger.error({ err, kind, key }, 'job failed');
    }
  }
}
