/** Named kinds of delayed work. The redis engine maps each to a BullMQ queue. */
export type JobKind = 'redelivery' | 'order-sla' | 'store-wake' | 'order-fire';

export type JobHandler = (key: string) => Promise<void> | void;

/** Delayed jobs, keyed so that scheduling the same key twice keeps one job. */
export interface JobScheduler {
  handle(kind: JobKind, handler: JobHandler): void;
  schedule(kind: JobKind, key: string, delayMs: number): Promise<void>;
  cancel(kind: JobKind, key: string): Promise<void>;
  /** Jobs waiting to run, for the queue-depth metric. */
  depth(): Promise<number>;
  close(): Promise<void>;
}
