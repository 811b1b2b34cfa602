import type { WebhookJob, WebhookQueue, WebhookRetryPolicy, WebhookSender } from '../webhook-queue.js';

const RECENT_MS = 600_000;
const RECENT_MAX = 10_000;

/**
 * In this process: each delivery is sent at once and retried on timers (1×, 2×, 4× the backoff
 * …). What waits is bounded per webhook; a node that stops loses what it had not sent yet (the
 * memory engine keeps nothing across restarts; the redis engine's queue does).
 */
export class MemoryWebhookQueue implements WebhookQueue {
  private readonly pending = new Map<string, Set<string>>();
  /** Deliveries done in the last 10 minutes (at most RECENT_MAX): a repeat of one is a no-op. */
  private readonly recent = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private send?: WebhookSender;
  private closed = false;

  constructor(private readonly policy: WebhookRetryPolicy) {}

  add(job: WebhookJob): Promise<'queued' | 'full'> {
    const waiting = this.pending.get(job.webhookId) ?? new Set<string>();
    this.pending.set(job.webhookId, waiting);
    if (waiting.has(job.queueId) || this.isRecent(job.queueId)) return Promise.resolve('queued');
    if (waiting.size >= this.policy.queueMax) return Promise.resolve('full');
    waiting.add(job.queueId);
    this.later(job, 1, 0);
    return Promise.resolve('queued');
  }

  process(_webhookIds: readonly string[], send: WebhookSender): void {
    this.send = send;
  }

  close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    return Promise.resolve();
  }

  private later(job: WebhookJob, attempt: number, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(job, attempt);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(job: WebhookJob, attempt: number): Promise<void> {
    if (this.closed) return;
    const last = attempt >= this.policy.maxAttempts;
    try {
      if (!this.send) throw new Error('not sending yet');
      await this.send(job, { attempt, last });
    } catch {
      if (!last) return this.later(job, attempt + 1, this.policy.backoffMs * 2 ** (attempt - 1));
    }
    this.pending.get(job.webhookId)?.delete(job.queueId);
    this.recent.set(job.queueId, Date.now());
    if (this.recent.size > RECENT_MAX) this.recent.delete(this.recent.keys().next().value!);
  }

  private isRecent(queueId: string): boolean {
    const at = this.recent.get(queueId);
    return at !== undefined && Date.now() - at < RECENT_MS;
  }
}
