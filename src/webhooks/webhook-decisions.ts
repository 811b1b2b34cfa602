import { Inject, Injectable } from '@nestjs/common';
import type { Order, WebhookBody } from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig, type WebhookConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { HubException } from '../util/hub.exception.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { type DecisionOutcome, postDecision, signedHeaders } from './webhook-post.js';
import { BREAKER_STATE_VALUE, CircuitBreaker } from './circuit-breaker.js';
import { DecisionSlots } from './decision-slots.js';

/** How long a client is told to wait before placing again after BACKEND_UNAVAILABLE. */
const RETRY_AFTER_MS = 2000;
/** At most one warning per webhook this often while it fails (the count of the rest is in it). */
const WARN_EVERY_MS = 10_000;

type Verdict = { hook: WebhookConfig; outcome: DecisionOutcome };

/**
 * Deciding webhooks (docs/protocol.md section 12, decisions): an order, priced and within the
 * limits, is put to the tenant's deciding backends at once, before it is stored; the order goes
 * on only when each accepts (or fails with `onFailure: accept`). Placements in flight are bounded
 * per node (WEBHOOK_DECISIONS_MAX), per tenant (WEBHOOK_DECISIONS_PER_TENANT, a share of the
 * node's) and per customer (WEBHOOK_DECISIONS_PER_CUSTOMER), so one tenant's hanging backend, or
 * its customers' flood, cannot take the slots of every other tenant; and each webhook has a
 * circuit breaker (WEBHOOK_BREAKER_FAILURES, WEBHOOK_BREAKER_COOLDOWN_MS) that answers at once
 * while its backend keeps failing.
 */
@Injectable()
export class WebhookDecisions {
  private readonly deciders: readonly WebhookConfig[];
  /** Whether some decider takes every tenant, and the tenants named by the others. */
  private readonly everyTenant: boolean;
  private readonly tenants: ReadonlySet<string>;
  private readonly slots: DecisionSlots;
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly failing = new Map<string, { since: number; warnedAt: number; count: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    @InjectLogger(WebhookDecisions.name) private readonly logger: HubLogger,
  ) {
    this.deciders = config.webhooks.hooks.filter((h) => h.decides.includes('order.place'));
    this.everyTenant = this.deciders.some((h) => !h.tenants);
    this.tenants = new Set(this.deciders.flatMap((h) => h.tenants ?? []));
    const { decisionsMax, decisionsPerTenant, decisionsPerCustomer, breakerFailures, breakerCooldownMs } =
      config.webhooks;
    this.slots = new DecisionSlots(decisionsMax, decisionsPerTenant, decisionsPerCustomer);
    for (const hook of this.deciders) {
      this.breakers.set(hook.id, new CircuitBreaker(breakerFailures, breakerCooldownMs));
      metrics.webhookBreaker.set({ webhook: hook.id }, BREAKER_STATE_VALUE.closed);
    }
  }

  decides(tenantId: string): boolean {
    return this.everyTenant || this.tenants.has(tenantId);
  }

  async decide(order: Order): Promise<void> {
    const hooks = this.deciders.filter((h) => !h.tenants || h.tenants.includes(order.tenantId));
    if (hooks.length === 0) return;
    const full = this.slots.take(order.tenantId, order.customerId);
    if (full) {
      const result = full === 'node' ? 'busy' : `${full}_busy`;
      for (const hook of hooks) this.metrics.webhookDecisions.inc({ webhook: hook.id, result });
      throw new HubException(
        'BACKEND_UNAVAILABLE',
        full === 'customer'
          ? 'your previous order is still being confirmed: try again in a moment'
          : 'the restaurant is confirming many orders right now: try again in a moment',
        { retryAfterMs: RETRY_AFTER_MS, scope: full },
      );
    }
    let verdicts: Verdict[];
    try {
      verdicts = await Promise.all(hooks.map((hook) => this.ask(hook, order)));
    } finally {
      this.slots.give(order.tenantId, order.customerId);
    }
    // A rejection wins over a failure: it is the backend's answer, not the lack of one.
    for (const { outcome } of verdicts) {
      if (outcome.ok && !outcome.decision.accept) {
        const { reason } = outcome.decision;
        throw new HubException(
          'REJECTED',
          reason ?? 'the restaurant declined this order',
          reason ? { reason } : undefined,
        );
      }
    }
    const unanswered = verdicts.filter(({ hook, outcome }) => !outcome.ok && hook.onFailure === 'reject');
    if (unanswered.length > 0) {
      // While a breaker is open, say when it lets a call through again.
      const wait = Math.max(
        RETRY_AFTER_MS,
        ...unanswered.map(({ hook }) => this.breaker(hook).retryAfterMs()),
      );
      throw new HubException(
        'BACKEND_UNAVAILABLE',
        'the restaurant could not confirm this order in time: try again in a moment',
        { retryAfterMs: wait },
      );
    }
  }

  private breaker(hook: WebhookConfig): CircuitBreaker {
    return this.breakers.get(hook.id)!;
  }

  /** One signed POST to one decider, measured; its failure logged (sparingly), never thrown. */
  private async ask(hook: WebhookConfig, order: Order): Promise<Verdict> {
    const breaker = this.breaker(hook);
    if (!breaker.admit()) {
      this.metrics.webhookDecisions.inc({ webhook: hook.id, result: 'open' });
      return { hook, outcome: { ok: false, error: 'circuit open: the backend kept failing' } };
    }
    const id = `${hook.id}.${order.orderId}.decision`;
    const body = JSON.stringify({
      id,
      kind: 'decision',
      type: 'order.place',
      tenantId: order.tenantId,
      data: { order },
      createdAt: new Date().toISOString(),
    } satisfies WebhookBody);
    const headers = { ...signedHeaders(hook.secret, id, body), accept: 'application/json' };
    const stop = this.metrics.webhookDecisionSeconds.startTimer({ webhook: hook.id });
    const outcome = await postDecision(hook.url, headers, body, this.config.webhooks.decisionTimeoutMs);
    stop();
    const result = !outcome.ok ? 'failed' : outcome.decision.accept ? 'accepted' : 'rejected';
    this.metrics.webhookDecisions.inc({ webhook: hook.id, result });
    if (outcome.ok) {
      breaker.succeeded();
      this.failing.delete(hook.id);
    } else {
      breaker.failed();
      this.failed(hook, order, outcome.error);
    }
    this.metrics.webhookBreaker.set({ webhook: hook.id }, BREAKER_STATE_VALUE[breaker.state]);
    return { hook, outcome };
  }

  private failed(hook: WebhookConfig, order: Order, error: string): void {
    const now = Date.now();
    const state = this.failing.get(hook.id) ?? { since: now, warnedAt: 0, count: 0 };
    state.count++;
    this.failing.set(hook.id, state);
    if (now - state.warnedAt < WARN_EVERY_MS) return;
    state.warnedAt = now;
    this.logger.warn(
      {
        webhook: hook.id,
        tenantId: order.tenantId,
        orderId: order.orderId,
        error,
        failuresSince: new Date(state.since).toISOString(),
        failures: state.count,
      },
      hook.onFailure === 'accept'
        ? 'deciding webhook failed: orders go on unconfirmed (onFailure accept)'
        : 'deciding webhook failed: orders refused with BACKEND_UNAVAILABLE',
    );
  }
}
