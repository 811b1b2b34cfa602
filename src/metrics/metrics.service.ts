import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** A fixed-size ring of recent delivery latencies, for the p99 in `system.metrics`. */
class LatencyWindow {
  private readonly values: Float64Array;
  private next = 0;
  private size = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  push(ms: number): void {
    this.values[this.next] = ms;
    this.next = (this.next + 1) % this.values.length;
    if (this.size < this.values.length) this.size++;
  }

  p99(): number | null {
    if (this.size === 0) return null;
    const sorted = this.values.slice(0, this.size).sort();
    return sorted[Math.min(this.size - 1, Math.ceil(this.size * 0.99) - 1)];
  }

  reset(): void {
    this.size = 0;
    this.next = 0;
  }
}

/**
 * Prometheus series (the hub's prefixed `orderwire_`, Node's default ones not; in a registry of this app's own so that several hubs
 * can live in one process) and the rolling figures behind the admin feed.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  /** By namespace, and by tenant too with METRICS_TENANT_LABELS (one series per tenant and role). */
  private readonly connections: Gauge<string>;
  private readonly tenantLabels: boolean;
  readonly commands = new Counter({
    name: 'orderwire_commands_total',
    help: 'Client commands received, by type and result (ok or the error code)',
    labelNames: ['type', 'result'] as const,
    registers: [this.registry],
  });
  readonly delivered = new Counter({
    name: 'orderwire_messages_delivered_total',
    help: 'Messages written to client sockets, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly deliveryLatency = new Histogram({
    name: 'orderwire_delivery_latency_seconds',
    help: 'Durable messages: time from publish to the acknowledgement of each recipient',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'orderwire_delivery_retries_total',
    help: 'Redeliveries of unacknowledged durable messages',
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: 'orderwire_dead_letters_total',
    help: 'Durable messages moved to dead letters',
    registers: [this.registry],
  });
  readonly webhookDeliveries = new Counter({
    name: 'orderwire_webhook_deliveries_total',
    help: 'Webhook POST attempts by result: delivered, retried, refused (a 4xx), full (past WEBHOOK_QUEUE_MAX)',
    labelNames: ['webhook', 'result'],
    registers: [this.registry],
  });
  readonly webhookDecisions = new Counter({
    name: 'orderwire_webhook_decisions_total',
    help: 'Orders put to deciding webhooks, by result: accepted, rejected, failed (no valid answer), busy / tenant_busy / customer_busy (past WEBHOOK_DECISIONS_MAX / _PER_TENANT / _PER_CUSTOMER, not asked), open (its circuit breaker open, not asked)',
    labelNames: ['webhook', 'result'],
    registers: [this.registry],
  });
  readonly webhookBreaker = new Gauge({
    name: 'orderwire_webhook_breaker_state',
    help: "A deciding webhook's circuit breaker: 0 closed, 1 open (answered at once), 2 half-open (one call let through)",
    labelNames: ['webhook'],
    registers: [this.registry],
  });
  readonly webhookDecisionSeconds = new Histogram({
    name: 'orderwire_webhook_decision_seconds',
    help: 'Time a deciding webhook took to answer (or to fail), while the customer waited',
    labelNames: ['webhook'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly gapReads = new Counter({
    name: 'orderwire_delivery_gap_reads_total',
    help: 'Durable messages read from the log because the cluster bus had not brought them in time',
    registers: [this.registry],
  });
  readonly gapSkips = new Counter({
    name: 'orderwire_delivery_gap_skipped_total',
    help: 'Seqs the delivery order gave up on: gone from the log, or skipped at the bound',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly slowConsumers = new Counter({
    name: 'orderwire_slow_consumer_disconnects_total',
    help: 'Sockets disconnected for not reading what was written to them (SLOW_CONSUMER), by role',
    labelNames: ['role'] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'orderwire_rate_limited_total',
    help: 'Calls refused by a rate limit, by scope (command, courier, handshake)',
    labelNames: ['scope'] as const,
    registers: [this.registry],
  });
  readonly dayBookRefused = new Counter({
    name: 'orderwire_day_book_refused_total',
    help: "Finished orders the day book did not write, by reason (full: the day's bound; error: the engine)",
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'orderwire_auth_failures_total',
    help: 'Refused handshakes and token refreshes, by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly handshakeDuration = new Histogram({
    name: 'orderwire_handshake_duration_seconds',
    help: 'Time from the namespace handshake to system.welcome',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  private readonly window = new LatencyWindow(4096);
  private deliveredTotal = 0;
  private readonly deliveredByTenant = new Map<string, number>();

  /** This node's event-loop delay over the current interval (system.metrics). */
  private readonly loop = monitorEventLoopDelay({ resolution: 20 });

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.loop.enable();
    this.tenantLabels = config.monitoring.tenantLabels;
    this.connections = new Gauge({
      name: 'orderwire_connections',
      help: this.tenantLabels ? 'Open connections by namespace and tenant' : 'Open connections by namespace',
      labelNames: this.tenantLabels ? ['namespace', 'tenant'] : ['namespace'],
      registers: [this.registry],
    });
    // Node's and the process's own series unprefixed (process_cpu_seconds_total, nodejs_heap_…), as
    // stock Node dashboards and alerts expect them.
    collectDefaultMetrics({ register: this.registry });
  }

  /** A connection opened (+1) or closed (-1). */
  recordConnection(namespace: string, tenant: string, delta: 1 | -1): void {
    this.connections.inc(this.tenantLabels ? { namespace, tenant } : { namespace }, delta);
  }

  /** Label children made once per label value: prom-client hashes the label object on every call. */
  private readonly deliveredByType = new Map<string, { inc(n: number): void }>();
  private readonly commandsByType = new Map<string, Map<string, { inc(): void }>>();

  /** Counts a command by type and result (ok or the error code); both come from fixed lists. */
  recordCommand(type: string, result: string): void {
    let byResult = this.commandsByType.get(type);
    if (!byResult) this.commandsByType.set(type, (byResult = new Map()));
    let child = byResult.get(result);
    if (!child) byResult.set(result, (child = this.commands.labels(type, result)));
    child.inc();
  }

  recordDelivered(type: string, tenantId: string, count: number): void {
    if (count === 0) return;
    let child = this.deliveredByType.get(type);
    if (!child) this.deliveredByType.set(type, (child = this.delivered.labels(type)));
    child.inc(count);
    this.deliveredTotal += count;
    this.deliveredByTenant.set(tenantId, (this.deliveredByTenant.get(tenantId) ?? 0) + count);
  }

  recordAckLatency(ms: number): void {
    this.deliveryLatency.observe(ms / 1000);
    this.window.push(ms);
  }

  /** Deliveries since the last call, node-wide and per tenant; resets the counts and the window. */
  takeInterval(): { total: number; byTenant: Map<string, number>; p99: number | null; loopP99: number } {
    const out = {
      total: this.deliveredTotal,
      byTenant: new Map(this.deliveredByTenant),
      p99: this.window.p99(),
      loopP99: this.loopDelayP99(),
    };
    this.deliveredTotal = 0;
    this.deliveredByTenant.clear();
    this.window.reset();
    this.loop.reset();
    return out;
  }

  /** The event-loop delay's p99 since the last interval, in ms (Prometheus has it as nodejs_eventloop_lag_p99_seconds). */
  loopDelayP99(): number {
    const p99 = this.loop.percentile(99) / 1e6;
    return Number.isFinite(p99) ? Math.round(p99 * 10) / 10 : 0;
  }

  /** The current p99 without resetting anything. */
  p99(): number | null {
    return this.window.p99();
  }
}
