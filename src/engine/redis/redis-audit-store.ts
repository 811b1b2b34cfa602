import type { AuditEntry, AuditPage } from '@orderwire/contracts';
import type { Redis } from 'ioredis';
import {
  AUDIT_SCAN_MAX,
  type AuditQuery,
  type AuditStore,
  type AuditStoreBounds,
  matches,
} from '../audit-store.js';
import type { RedisKeys } from './redis-keys.js';

/** Entries read per XREVRANGE while looking for a page's matches. */
const CHUNK = 200;

/**
 * One Redis stream per tenant: the stream id is the entry's id, XADD trims it to
 * AUDIT_MAX_PER_TENANT and XTRIM MINID to AUDIT_RETENTION_DAYS (both approximate, `~`, which
 * trims whole nodes: at most one node's worth, 100 entries, over either bound).
 */
export class RedisAuditStore implements AuditStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly bounds: AuditStoreBounds,
  ) {}

  async append(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    const key = this.keys.audit(entry.tenantId);
    await this.redis
      .multi()
      .xadd(key, 'MAXLEN', '~', this.bounds.maxPerTenant, '*', 'e', JSON.stringify(entry))
      .xtrim(key, 'MINID', '~', Date.now() - this.bounds.retentionMs)
      .exec();
  }

  async page(tenantId: string, q: AuditQuery): Promise<AuditPage> {
    const key = this.keys.audit(tenantId);
    const items: AuditEntry[] = [];
    let from = q.before === undefined ? '+' : `(${q.before}`;
    let scanned = 0;
    for (;;) {
      const chunk = await this.redis.xrevrange(key, from, '-', 'COUNT', CHUNK);
      for (const [id, fields] of chunk) {
        if (items.length === q.limit || scanned++ >= (this.bounds.scanMax ?? AUDIT_SCAN_MAX)) {
          return { items, next: items.length ? items[items.length - 1].id : from.replace('(', '') };
        }
        const entry = { id, ...(JSON.parse(fields[1]) as Omit<AuditEntry, 'id'>) };
        if (matches(entry, q)) items.push(entry);
        from = `(${id}`;
      }
      if (chunk.length < CHUNK) return { items };
    }
  }
}
