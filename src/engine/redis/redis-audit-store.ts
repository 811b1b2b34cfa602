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
 * Appends a turn's entries (redis-audit-store.ts `flush`): each XADD trims its stream to the
 * count bound, then each stream once to the age bound. KEYS: the tenants' streams. ARGV: max per
 * tenant, min id, then per entry its stream's index in KEYS and its JSON.
 */
const APPEND = `
for i = 3, #ARGV, 2 do
  redis.call('XADD', KEYS[tonumber(ARGV[i])], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[i + 1])
end
for _, key in ipairs(KEYS) do redis.call('XTRIM', key, 'MINID', '~', ARGV[2]) end
return #KEYS`;

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
 * trims whole nodes: at most one node's worth, 100 entries, over either bound). Entries appended
 * in one event-loop turn (the orders of many commands whose writes came back together) are
 * written by one script call.
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
    const all = this.queue;
    this.queue = [];
    for (let i = 0; i < all.length; i += BATCH_MAX) void this.write(all.slice(i, i + BATCH_MAX));
  }

  private async write(batch: Waiting[]): Promise<void> {
    const keys: string[] = [];
    const index = new Map<string, number>();
    const args: Array<string | number> = [this.bounds.maxPerTenant, Date.now() - this.bounds.retentionMs];
    for (const w of batch) {
      let i = index.get(w.key);
      if (i === undefined) index.set(w.key, (i = keys.push(w.key)));
      args.push(i, w.json);
    }
    try {
      await this.lua.auditAppend(keys.length, ...keys, ...args);
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
