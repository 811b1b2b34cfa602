import { ALL_TENANTS } from '@orderwire/contracts/protocol';
import type { FanoutMessage } from '../engine/cluster-bus.js';
import { LogSequencer, type LogSequencerOptions } from './log-sequencer.js';

/** What the sequencer reads and where it hands messages on (DeliveryService's fan-out). */
export interface SequencerPort {
  /** Writes a message to this node's sockets. */
  release(message: FanoutMessage): void;
  /** A tenant's log: its epoch and its newest seq. */
  head(tenantId: string): Promise<{ epoch: string; seq: number }>;
  /** Retained messages of a tenant with `from <= seq <= to`, oldest first (MessageStore.readRange). */
  read(tenantId: string, epoch: string, from: number, to: number, limit: number): Promise<FanoutMessage[]>;
  /** A read failed; the sequencer tries again later. */
  failed(err: unknown, what: string): void;
  /** Seqs given up on: not in the log any more, or skipped at the hard bound. */
  skipped(count: number, why: 'gone' | 'bound'): void;
  /** Messages read from the log because the bus had not brought them in time. */
  filled(count: number): void;
  /** Whether this node has sockets of the tenant (its order is then never forgotten). */
  present(tenantId: string): boolean;
}

export interface SequencerOptions extends LogSequencerOptions {
  /**
   * How long after a tenant's last message its log's head is still compared with what was
   * released (a message the bus lost with nothing after it); a tenant quiet for longer costs no
   * reads, and one quiet for ten times as long is forgotten (its order is learnt again).
   */
  activeMs: number;
  /** Tenants whose order a node keeps at once; past it the quietest idle one is forgotten. */
  maxTenants: number;
}

export const SEQUENCER_DEFAULTS: SequencerOptions = {
  gapWaitMs: 250,
  checkEveryMs: 1000,
  maxHeld: 10_000,
  readPage: 500,
  activeMs: 10_000,
  maxTenants: 10_000,
};

interface Tenant {
  order: LogSequencer;
  /** When its last message was offered (ms). */
  lastAt: number;
}

/**
 * Hands durable messages to this node's sockets in log order, whichever node appended them. Each
 * tenant has its own log (cursors are per tenant, so that Redis Cluster keeps a tenant's log on
 * one shard), so the order is kept per tenant by a LogSequencer, made when the tenant's first
 * socket starts here (attach) or its first message reaches this node: it learns the log's head
 * then, and every `checkEveryMs` while the tenant is active (`activeMs`) compares the head with
 * what it released. Messages of different tenants are independent: a gap in one tenant's log
 * holds back none of another's. A tenant is forgotten only without sockets here.
 */
export class DeliverySequencer {
  /** Least recently active first (a tenant is moved to the back on each message). */
  private readonly tenants = new Map<string, Tenant>();
  private checkTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly port: SequencerPort,
    private readonly opts: SequencerOptions = SEQUENCER_DEFAULTS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the periodic check of active tenants' logs. */
  start(): void {
    this.checkTimer = setInterval(() => this.checkActive(), this.opts.checkEveryMs);
    this.checkTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.checkTimer);
    for (const t of this.tenants.values()) t.order.stop();
    this.tenants.clear();
  }

  /** Messages held behind gaps, in every tenant (for tests and metrics). */
  get heldCount(): number {
    let n = 0;
    for (const t of this.tenants.values()) n += t.order.heldCount;
    return n;
  }

  /** Tenants whose order this node keeps now. */
  get tenantCount(): number {
    return this.tenants.size;
  }

  offer(message: FanoutMessage): void {
    if (this.stopped) return;
    const tenantId = message.envelope.tenantId;
    if (!message.envelope.cursor || tenantId === ALL_TENANTS) {
      this.port.release(message); // nothing to order it by
      return;
    }
    this.touch(tenantId).order.offer(message);
  }

  /**
   * A socket of the tenant is about to start on this node (its welcome, before it reads its own
   * cursor): the tenant's log head is learnt first, so that the head this node orders from is
   * never past the socket's cursor; and the tenant's order is kept while it has sockets here.
   * A message at or below the head learnt is written at once when it arrives, so it must be
   * behind every socket of the tenant, which only this order of reads ensures.
   */
  async attach(tenantId: string): Promise<void> {
    if (this.stopped || tenantId === ALL_TENANTS) return;
    const { order } = this.touch(tenantId);
    if (!order.known) await order.check();
  }

  /** The tenant's order (made if new), moved to the back as the most recently active. */
  private touch(tenantId: string): Tenant {
    let tenant = this.tenants.get(tenantId);
    if (tenant) this.tenants.delete(tenantId);
    else tenant = this.open(tenantId);
    tenant.lastAt = this.now();
    this.tenants.set(tenantId, tenant);
    return tenant;
  }

  private open(tenantId: string): Tenant {
    if (this.tenants.size >= this.opts.maxTenants) this.forgetQuietest();
    const port = this.port;
    const order = new LogSequencer(
      {
        release: (m) => port.release(m),
        head: () => port.head(tenantId),
        read: (epoch, from, to, limit) => port.read(tenantId, epoch, from, to, limit),
        failed: (err, what) => port.failed(err, `${what} of tenant ${tenantId}`),
        skipped: (count, why) => port.skipped(count, why),
        filled: (count) => port.filled(count),
      },
      this.opts,
    );
    void order.check(); // learns the head; until then what is offered waits, in order
    return { order, lastAt: this.now() };
  }

  /**
   * Past maxTenants: the least recently active idle tenant without sockets here goes (else the
   * least recently active idle one, else the least recently active, releasing what it held in
   * order).
   */
  private forgetQuietest(): void {
    let victim: string | undefined;
    let idle: string | undefined;
    for (const [id, t] of this.tenants) {
      victim ??= id;
      if (!t.order.idle) continue;
      idle ??= id;
      if (!this.port.present(id)) {
        idle = id;
        break;
      }
    }
    victim = idle ?? victim;
    if (victim === undefined) return;
    this.tenants.get(victim)!.order.flush();
    this.tenants.delete(victim);
  }

  /** Checks the logs of the tenants active lately; forgets those quiet and idle for long. */
  private checkActive(): void {
    const now = this.now();
    for (const [id, t] of this.tenants) {
      const quiet = now - t.lastAt;
      if (quiet > this.opts.activeMs * 10 && t.order.idle && !this.port.present(id)) {
        t.order.stop();
        this.tenants.delete(id);
      } else if (quiet <= this.opts.activeMs || !t.order.idle) void t.order.check();
    }
  }
}
