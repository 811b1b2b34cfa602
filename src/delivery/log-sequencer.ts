import type { FanoutMessage } from '../engine/cluster-bus.js';
import { parseCursor } from '../engine/cursor.js';

/** What a tenant's sequencer reads and where it hands messages on (DeliveryService's fan-out). */
export interface LogPort {
  /** Writes a message to this node's sockets. */
  release(message: FanoutMessage): void;
  /** The tenant's log: its epoch and its newest seq. */
  head(): Promise<{ epoch: string; seq: number }>;
  /** Retained messages of the tenant with `from <= seq <= to`, oldest first (MessageStore.readRange). */
  read(epoch: string, from: number, to: number, limit: number): Promise<FanoutMessage[]>;
  /** A read failed; the sequencer tries again later. */
  failed(err: unknown, what: string): void;
  /** Seqs given up on: not in the log any more, or skipped at the hard bound. */
  skipped(count: number, why: 'gone' | 'bound'): void;
  /** Messages read from the log because the bus had not brought them in time. */
  filled(count: number): void;
}

export interface LogSequencerOptions {
  /** How long a gap may wait for the bus before the missing seqs are read from the log. */
  gapWaitMs: number;
  /** How often the log's head is compared with what was released (a message the bus lost). */
  checkEveryMs: number;
  /** Messages held behind a gap; past it the gap is read from the log at once. */
  maxHeld: number;
  /** Seqs read from the log per call. */
  readPage: number;
}

/**
 * Hands one tenant's durable messages to this node's sockets in log order (seq order), whichever
 * node appended them (DeliverySequencer keeps one per tenant: each tenant has its own log). A socket's cursor is the last message it processed, and a replay sends what
 * comes after it in the log; so a node must never write seq N+1 to a socket before seq N. With
 * several nodes, N appended on another node reaches this one through the cluster bus, possibly
 * after N+1 was appended here: N+1 waits until N arrives. If the bus does not bring N within
 * `gapWaitMs` (it lost it, e.g. while Redis restarted, or it is slow), N is read from the log;
 * a seq no longer in the log (retention) is skipped. A message the bus lost with nothing after
 * it is found by comparing the log's head with what was released, every `checkEveryMs`.
 *
 * A message that arrives again after its seq was released (the bus copy of a message already
 * read from the log) is dropped; deliberate re-deliveries bypass the sequencer.
 */
export class LogSequencer {
  private epoch?: string;
  /**
   * The head when this node first learnt it: a message at or below it that arrives later (it was
   * on the bus while the head was read) is released at once, never read from the log, so it is
   * not a copy; a socket of the tenant connected before it had its cursor from the same log.
   */
  private firstHead = 0;
  /** The next seq to release; everything before it was released or given up on. */
  private next = 0;
  private readonly held = new Map<number, FanoutMessage>();
  /** Messages offered before start() learnt the log's head. */
  private early: FanoutMessage[] = [];
  private gapTimer?: NodeJS.Timeout;
  /** The head seen by the previous check: released by now, or read from the log. */
  private checkedHead = 0;
  private filling = false;
  /** A check is out (while Redis does not answer, one waits instead of one more every period). */
  /** The check out, if one is (while Redis does not answer, one waits instead of one more every period). */
  private checking?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly port: LogPort,
    private readonly opts: LogSequencerOptions,
  ) {}

  /**
   * Forgotten while it still holds messages (DeliverySequencer past maxTenants, every tenant
   * busy): what it holds is released in seq order, as at the hard bound, then it stops.
   */
  flush(): void {
    const waiting = [...this.early, ...this.held.values()];
    waiting.sort((a, b) => parseCursor(a.envelope.cursor!)!.seq - parseCursor(b.envelope.cursor!)!.seq);
    this.early = [];
    this.held.clear();
    this.stop();
    for (const m of waiting) this.port.release(m);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.gapTimer);
    this.held.clear();
    this.early = [];
  }

  /** Messages held behind a gap (for tests and metrics). */
  get heldCount(): number {
    return this.held.size + this.early.length;
  }

  /** Nothing held, nothing being read: this tenant's order may be forgotten and learnt again. */
  get idle(): boolean {
    return this.heldCount === 0 && !this.filling && !this.checking && this.epoch !== undefined;
  }

  /** Whether the log's head is known (the first check answered). */
  get known(): boolean {
    return this.epoch !== undefined;
  }

  offer(message: FanoutMessage): void {
    if (this.stopped) return;
    const at = message.envelope.cursor ? parseCursor(message.envelope.cursor) : undefined;
    if (!at) {
      this.port.release(message); // nothing to order it by
      return;
    }
    if (this.epoch === undefined) {
      // Before the head is known: kept, bounded like the rest (the hub is not listening yet).
      if (this.early.length >= this.opts.maxHeld) this.port.release(this.early.shift()!);
      this.early.push(message);
      return;
    }
    if (at.epoch !== this.epoch) this.newEpoch(at.epoch);
    if (at.seq <= this.firstHead) {
      this.port.release(message); // before this node learnt the head: never read, not a copy
      return;
    }
    if (at.seq < this.next) return; // released already (read from the log before the bus brought it)
    if (at.seq === this.next) {
      this.releaseNext(message);
      this.drain();
      return;
    }
    this.held.set(at.seq, message);
    if (this.held.size >= this.opts.maxHeld * 2) this.skipGap();
    else if (this.held.size >= this.opts.maxHeld) void this.fill(this.highestHeld());
    else this.armGapTimer();
  }

  private armGapTimer(): void {
    if (this.gapTimer || this.stopped) return;
    this.gapTimer = setTimeout(() => void this.fill(this.highestHeld()), this.opts.gapWaitMs);
    this.gapTimer.unref();
  }

  private releaseNext(message: FanoutMessage): void {
    this.next++;
    this.port.release(message);
  }

  /** Releases held messages that are next in line. */
  private drain(): void {
    for (let m = this.held.get(this.next); m; m = this.held.get(this.next)) {
      this.held.delete(this.next);
      this.releaseNext(m);
    }
    if (this.held.size === 0) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    }
  }

  private highestHeld(): number {
    let max = this.next - 1;
    for (const seq of this.held.keys()) if (seq > max) max = seq;
    return max;
  }

  /**
   * Reads seqs `next..upTo` that have not arrived from the log and releases everything up to
   * `upTo` in order, skipping seqs the log no longer has. On a failed read, tries again later.
   */
  private async fill(upTo: number): Promise<void> {
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    if (this.filling || this.stopped || this.epoch === undefined) return;
    this.filling = true;
    const epoch = this.epoch;
    try {
      while (this.next <= upTo && !this.stopped && this.epoch === epoch) {
        const from = this.next;
        const to = Math.min(upTo, from + this.opts.readPage - 1);
        const read = await this.port.read(epoch, from, to, this.opts.readPage);
        if (this.epoch !== epoch || this.stopped) return;
        const found = new Map<number, FanoutMessage>();
        for (const m of read) found.set(parseCursor(m.envelope.cursor!)!.seq, m);
        let filled = 0;
        let gone = 0;
        // The bus may have brought some of them (and released a few) while the read was out.
        for (let seq = this.next; seq <= to; seq++) {
          let m = this.held.get(seq);
          if (m) this.held.delete(seq);
          else if ((m = found.get(seq))) filled++;
          if (m) this.releaseNext(m);
          else {
            gone++;
            this.next++;
          }
        }
        if (filled) this.port.filled(filled);
        if (gone) this.port.skipped(gone, 'gone');
        this.drain();
      }
    } catch (err) {
      this.port.failed(err, 'reading a gap from the log');
    } finally {
      this.filling = false;
    }
    if (this.held.size > 0) this.armGapTimer();
  }

  /**
   * The hard bound (twice `maxHeld` behind a gap the log could not fill): release in order and
   * skip the gap. Clients dropped meanwhile may miss those seqs on replay; counted and logged.
   */
  private skipGap(): void {
    const seqs = [...this.held.keys()].sort((a, b) => a - b);
    let skipped = 0;
    for (const seq of seqs) {
      skipped += seq - this.next;
      this.next = seq;
      this.releaseNext(this.held.get(seq)!);
    }
    this.held.clear();
    this.port.skipped(skipped, 'bound');
    this.drain();
  }

  /** The log was replaced (a new epoch starts at seq 1): release what is held, then start over. */
  private newEpoch(epoch: string): void {
    for (const seq of [...this.held.keys()].sort((a, b) => a - b)) this.port.release(this.held.get(seq)!);
    this.held.clear();
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    this.epoch = epoch;
    this.next = 1;
    this.checkedHead = 0;
    this.firstHead = 0;
  }

  /**
   * Every `checkEveryMs` while the tenant is active (DeliverySequencer): the first time, learns
   * the head; later, reads from the log whatever the previous check saw in the log and is still
   * not released (the bus lost it). A call while one is out waits for that one.
   */
  check(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.checking ??= this.checkHead()
      .catch((err: unknown) => this.port.failed(err, 'checking the log head')) // never unhandled
      .finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async checkHead(): Promise<void> {
    let head: { epoch: string; seq: number };
    try {
      head = await this.port.head();
    } catch (err) {
      this.port.failed(err, 'reading the log head');
      return;
    }
    if (this.stopped) return;
    if (this.epoch === undefined) {
      this.epoch = head.epoch;
      this.next = head.seq + 1;
      this.checkedHead = head.seq;
      this.firstHead = head.seq;
      // Offered before the head was known: those at or below it were appended before it; in order.
      const early = this.early.map((m) => [parseCursor(m.envelope.cursor!)!, m] as const);
      this.early = [];
      early.sort((a, b) => a[0].seq - b[0].seq);
      for (const [at, m] of early)
        if (at.epoch === head.epoch && at.seq <= head.seq) this.port.release(m);
        else this.offer(m);
      return;
    }
    if (head.epoch !== this.epoch) this.newEpoch(head.epoch);
    const seen = this.checkedHead;
    this.checkedHead = head.seq;
    if (this.next <= seen) await this.fill(Math.max(seen, this.highestHeld()));
  }
}
