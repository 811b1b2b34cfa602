import type { AuditEntry, AuditPage } from '@orderwire/contracts';
import {
  AUDIT_SCAN_MAX,
  type AuditQuery,
  type AuditStore,
  type AuditStoreBounds,
  matches,
} from '../audit-store.js';
import { bindScripts, type RedisClient } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import { Sealer } from './sealer.js';

/** Entries read per XREVRANGE while looking for a page's matches. */
const CHUNK = 200;

/**
 * Appends a turn's entries of one tenant (redis-audit-store.ts `flush`): each XADD trims the
 * stream to the count bound, then the stream is trimmed once to the age bound. KEYS: the tenant's
 * stream (one slot: Redis Cluster). ARGV: max per tenant, min id, then each entry's JSON.
 */
const APPEND = `
for i = 3, #ARGV do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[i])
end
redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[2])
return #ARGV - 2`;

/** Entries per script call at most. */
const BATCH_MAX = 256;
/**
 * Entries waiting for Redis at most, per node; past it an entry is refused at once (the audit
 * service logs "an audit entry was not written"): a slow Redis does not grow the hub's memory.
 */
export const AUDIT_QUEUE_MAX = 10_000;

interface Waiting {
  key: string;
  json: string;
  done: (err?: unknown) => void;
}

/**
 * One Redis stream per tenant: the stream id is the entry's id, XADD trims it to
 * AUDIT_MAX_PER_TENANT and XTRIM MINID to AUDIT_RETENTION_DAYS (both approximate, `~`, which
 * trims whole nodes: at most one node's worth, 100 entries, over either bound). A tenant's entries
 * appended in one event-loop turn (the orders of many commands whose writes came back together)
 * are written by one script call; each tenant's by its own, on its slot.
 */
export class RedisAuditStore implements AuditStore {
  private readonly lua: ReturnType<typeof scriptsOf>;
  private queue: Waiting[] = [];

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly bounds: AuditStoreBounds,
    /** DATA_ENCRYPTION_KEY: each entry is sealed whole (crew notes, a customer's cancel reason). */
    private readonly sealer: Sealer = new Sealer(),
  ) {
    this.lua = scriptsOf(redis);
  }

  append(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    if (this.queue.length >= AUDIT_QUEUE_MAX)
      return Promise.reject(new Error(`${AUDIT_QUEUE_MAX} audit entries are waiting for Redis`));
    return new Promise((resolve, reject) => {
      const done = (err?: unknown) => (err === undefined ? resolve() : reject(err as Error));
      this.queue.push({ key: this.keys.audit(entry.tenantId), json: this.sealer.sealJson(entry)!, done });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const byTenant = new Map<string, Waiting[]>();
    for (const w of this.queue) {
      const theirs = byTenant.get(w.key);
      if (theirs) theirs.push(w);
      else byTenant.set(w.key, [w]);
    }
    this.queue = [];
    for (const [key, all] of byTenant)
      for (let i = 0; i < all.length; i += BATCH_MAX) void this.write(key, all.slice(i, i + BATCH_MAX));
  }

  private async write(key: string, batch: Waiting[]): Promise<void> {
    const since = Date.now() - this.bounds.retentionMs;
    try {
      await this.lua.auditAppend(1, key, this.bounds.maxPerTenant, since, ...batch.map((w) => w.json));
      for (const w of batch) w.done();
    } catch (err) {
      for (const w of batch) w.done(err);
    }
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
        const entry = { id, ...this.sealer.openJson<Omit<AuditEntry, 'id'>>(fields[1]) };
        if (matches(entry, q)) items.push(entry);
        from = `(${id}`;
      }
      if (chunk.length < CHUNK) return { items };
    }
  }
}

const scriptsOf = (redis: RedisClient) => bindScripts(redis, { auditAppend: APPEND });
