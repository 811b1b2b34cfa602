import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { ClientCommand, Envelope, WebhookBody, WebhookEventType } from '@orderwire/contracts';
import { newUlid } from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig, type WebhookConfig } from '../config/app-config.js';
import { MESSAGE_STORE, WEBHOOK_QUEUE } from '../engine/engine.tokens.js';
import type { DeadLetter, MessageStore } from '../engine/message-store.js';
import type { WebhookAttempt, WebhookJob, WebhookQueue } from '../engine/webhook-queue.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { HubEvents } from '../util/hub-events.js';
import { HubException } from '../util/hub.exception.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { postWebhook, signedHeaders } from './webhook-post.js';

/**
 * Webhooks (docs/protocol.md section 12): accepted client commands and chosen durable events,
 * POSTed to the operator's backends, signed, retried with backoff through the engine's queue,
 * dead-lettered after the last attempt (beside the messages', replayed with admin.replay).
 */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap {
  private readonly hooks: readonly WebhookConfig[];
  private readonly byId: ReadonlyMap<string, WebhookConfig>;
  /** The command types some webhook takes, made once: every accepted command asks. */
  private readonly commandTypes: ReadonlySet<string>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WEBHOOK_QUEUE) private readonly queue: WebhookQueue,
    @Inject(MESSAGE_STORE) private readonly store: MessageStore,
    private readonly events: HubEvents,
    private readonly metrics: MetricsService,
    @InjectLogger(WebhooksService.name) private readonly logger: HubLogger,
  ) {
    this.hooks = config.webhooks.hooks;
    this.byId = new Map(this.hooks.map((h) => [h.id, h]));
    this.commandTypes = new Set(this.hooks.flatMap((h) => h.commands));
  }

  onApplicationBootstrap(): void {
    if (this.hooks.length === 0) return;
    this.queue.process(
      this.hooks.map((h) => h.id),
      (job, attempt) => this.send(job, attempt),
    );
    if (this.hooks.some((h) => h.events.some((e) => e !== 'store.status'))) {
      this.events.on('message.published', ({ envelope }) => this.event(envelope));
    }
    if (this.hooks.some((h) => h.events.includes('store.status'))) {
      this.events.on('store.status', ({ tenantId, data }) =>
        this.event({
          id: newUlid(),
          type: 'store.status',
          data,
          timestamp: new Date().toISOString(),
          sender: data.updatedBy,
          tenantId,
        }),
      );
    }
  }

  /** Whether some webhook takes commands of this type (cheap: every accepted command asks). */
  wants(type: string): boolean {
    return this.commandTypes.has(type);
  }

  /** Queues an accepted command for every webhook that takes it in its tenant. */
  async command(command: ClientCommand): Promise<void> {
    const tenantId = command.tenantId;
    for (const hook of this.for(tenantId, (h) => (h.commands as readonly string[]).includes(command.type))) {
      await this.enqueue(hook, 'command', command.type, tenantId, command.commandId, command);
    }
  }

  /** admin.replay of a webhook dead letter: queued again under the letter's id. */
  async replay(letter: DeadLetter): Promise<void> {
    const hook = letter.webhook && this.byId.get(letter.webhook.id);
    if (!hook || !letter.webhookBody)
      throw new HubException('NOT_FOUND', 'that webhook is no longer configured');
    const job: WebhookJob = {
      deliveryId: letter.webhook!.deliveryId,
      queueId: letter.messageId,
      webhookId: hook.id,
      tenantId: letter.tenantId,
      type: letter.type,
      body: letter.webhookBody,
    };
    if ((await this.queue.add(job)) === 'full') {
      throw new HubException('LIMIT_REACHED', `webhook ${hook.id} has too many deliveries waiting`, {
        scope: 'webhook',
        limit: this.config.webhooks.queueMax,
      });
    }
  }

  private async event(envelope: Envelope<WebhookEventType>): Promise<void> {
    for (const hook of this.for(envelope.tenantId, (h) => h.events.includes(envelope.type))) {
      await this.enqueue(hook, 'event', envelope.type, envelope.tenantId, envelope.id, envelope);
    }
  }

  private for(tenantId: string, takes: (hook: WebhookConfig) => boolean): WebhookConfig[] {
    return this.hooks.filter((h) => takes(h) && (!h.tenants || h.tenants.includes(tenantId)));
  }

  private async enqueue(
    hook: WebhookConfig,
    kind: WebhookBody['kind'],
    type: string,
    tenantId: string,
    id: string,
    data: unknown,
  ): Promise<void> {
    const deliveryId = `${hook.id}.${id}`;
    const body: WebhookBody = {
      id: deliveryId,
      kind,
      type,
      tenantId,
      data,
      createdAt: new Date().toISOString(),
    };
    const job = {
      deliveryId,
      queueId: deliveryId,
      webhookId: hook.id,
      tenantId,
      type,
      body: JSON.stringify(body),
    };
    if ((await this.queue.add(job)) === 'full') {
      // The bound: dead-lettered at once (kept, replayable), never held without limit.
      this.metrics.webhookDeliveries.inc({ webhook: hook.id, result: 'full' });
      await this.deadLetter(job, 0, `more than ${this.config.webhooks.queueMax} deliveries waiting`);
    }
  }

  /** One attempt. Throws to be retried; on the last attempt, or a refusal, dead-letters instead. */
  private async send(job: WebhookJob, attempt: WebhookAttempt): Promise<void> {
    const hook = this.byId.get(job.webhookId);
    if (!hook) return; // removed from the configuration while queued
    const headers = signedHeaders(hook.secret, job.deliveryId, job.body);
    const outcome = await postWebhook(hook.url, headers, job.body, this.config.webhooks.timeoutMs);
    if (outcome.ok) {
      this.metrics.webhookDeliveries.inc({ webhook: hook.id, result: 'delivered' });
      return;
    }
    this.metrics.webhookDeliveries.inc({ webhook: hook.id, result: outcome.retry ? 'retried' : 'refused' });
    if (outcome.retry && !attempt.last) throw new Error(outcome.error);
    this.logger.warn(
      { webhook: hook.id, deliveryId: job.deliveryId, error: outcome.error },
      'webhook dead-lettered',
    );
    await this.deadLetter(job, attempt.attempt, outcome.error);
  }

  private async deadLetter(job: WebhookJob, attempts: number, lastError: string): Promise<void> {
    this.metrics.deadLetters.inc();
    await this.store.addDeadLetter({
      messageId: newUlid(),
      type: job.type,
      tenantId: job.tenantId,
      recipients: [`webhook:${job.webhookId}`],
      attempts,
      lastError,
      at: new Date().toISOString(),
      webhook: { id: job.webhookId, deliveryId: job.deliveryId },
      userKeys: [],
      webhookBody: job.body,
    });
  }
}
