import type { AuditEntry, AuditPage } from '@orderwire/contracts';
import {
  AUDIT_SCAN_MAX,
  type AuditQuery,
  type AuditStore,
  type AuditStoreBounds,
  matches,
} from '../audit-store.js';

/** Ids as the redis engine's streams make them: `<ms>-<seq>`, compared as numbers. */
function older(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am < bm || (am === bm && as < bs);
}

/**
 * Past the count bound, trim this many entries beyond it at once: removing from the front of an
 * array moves the rest, and doing it on every append at 50,000 entries was a 50,000-element move
 * per order (the hub's order.place throughput halved). Redis's `MAXLEN ~` keeps up to 100 over too.
 */
const TRIM_SLACK = 100;

/** Each tenant's trail as an array, oldest first, trimmed by age and count (in batches). */
export class MemoryAuditStore implements AuditStore {
  private readonly trails = new Map<string, AuditEntry[]>();
  private lastMs = 0;
  private seq = 0;

  constructor(private readonly bounds: AuditStoreBounds) {}

  append(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    const now = Date.now();
    this.seq = now > this.lastMs ? 0 : this.seq + 1;
    this.lastMs = Math.max(now, this.lastMs);
    let trail = this.trails.get(entry.tenantId);
    if (!trail) this.trails.set(entry.tenantId, (trail = []));
    trail.push({ id: `${this.lastMs}-${this.seq}`, ...entry });
    const floor = now - this.bounds.retentionMs;
    const over = trail.length - this.bounds.maxPerTenant;
    let drop = over >= TRIM_SLACK ? over : 0;
    // By age, in batches too: once the oldest is a minute past the retention.
    if (Number(trail[0].id.split('-')[0]) < floor - 60_000) {
      while (drop < trail.length && Number(trail[drop].id.split('-')[0]) < floor) drop++;
    }
    if (drop > 0) trail.splice(0, drop);
    return Promise.resolve();
  }

  page(tenantId: string, q: AuditQuery): Promise<AuditPage> {
    const trail = this.trails.get(tenantId) ?? [];
    const items: AuditEntry[] = [];
    let scanned = 0;
    for (let i = trail.length - 1; i >= 0; i--) {
      const entry = trail[i];
      if (q.before !== undefined && !older(entry.id, q.before)) continue;
      if (++scanned > (this.bounds.scanMax ?? AUDIT_SCAN_MAX) || items.length === q.limit) {
        return Promise.resolve({ items, next: items.length ? items[items.length - 1].id : trail[i + 1].id });
      }
      if (matches(entry, q)) items.push(entry);
    }
    return Promise.resolve({ items });
  }
}
