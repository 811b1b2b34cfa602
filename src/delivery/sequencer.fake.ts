import type { DurableType, Envelope } from '@orderwire/contracts';
import type { FanoutMessage } from '../engine/cluster-bus.js';
import type { SequencerOptions, SequencerPort } from './sequencer.js';

// The sequencer specs' log and options (sequencer.spec.ts, sequencer-tenants.spec.ts).

export const OPTS: SequencerOptions = {
  gapWaitMs: 250,
  checkEveryMs: 1000,
  maxHeld: 4,
  readPage: 3,
  activeMs: 5000,
  maxTenants: 3,
};

export const msg = (seq: number, epoch = 'e1', tenantId = 'A'): FanoutMessage => ({
  envelope: {
    id: tenantId === 'A' ? `m${seq}` : `${tenantId}${seq}`,
    tenantId,
    cursor: `${epoch}:${seq}`,
  } as Envelope<DurableType>,
  targets: {},
  publishedAt: 0,
});

/** Tenant A's log (what a read finds), and what was released, in order (other tenants: logs). */
export class FakePort implements SequencerPort {
  /** Other tenants' logs: their heads. */
  others = new Map<string, number>();
  headReads: string[] = [];
  log = new Map<number, FanoutMessage>();
  head_ = { epoch: 'e1', seq: 0 };
  released: string[] = [];
  reads: Array<[number, number]> = [];
  skips: Array<[number, string]> = [];
  filledCount = 0;
  failReads = false;

  append(seq: number): FanoutMessage {
    const m = msg(seq, this.head_.epoch);
    this.log.set(seq, m);
    this.head_ = { ...this.head_, seq: Math.max(this.head_.seq, seq) };
    return m;
  }
  release(m: FanoutMessage): void {
    this.released.push(m.envelope.id);
  }
  head(tenantId = 'A'): Promise<{ epoch: string; seq: number }> {
    this.headReads.push(tenantId);
    if (tenantId !== 'A') return Promise.resolve({ epoch: 'e1', seq: this.others.get(tenantId) ?? 0 });
    return Promise.resolve(this.head_);
  }
  read(tenantId: string, epoch: string, from: number, to: number, limit: number): Promise<FanoutMessage[]> {
    if (tenantId !== 'A') return Promise.resolve([]);
    this.reads.push([from, to]);
    if (this.failReads) return Promise.reject(new Error('redis down'));
    const out: FanoutMessage[] = [];
    for (let s = from; s <= to && out.length < limit; s++) {
      const m = this.log.get(s);
      if (m && epoch === this.head_.epoch) out.push(m);
    }
    return Promise.resolve(out);
  }
  failed(): void {}
  skipped(count: number, why: string): void {
    this.skips.push([count, why]);
  }
  filled(count: number): void {
    this.filledCount += count;
  }
  /** Tenants with sockets on this node. */
  here = new Set<string>();
  present(tenantId: string): boolean {
    return this.here.has(tenantId);
  }
}

/** Lets pending promise callbacks run (fake timers do not flush microtasks by themselves). */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
