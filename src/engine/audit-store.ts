import type { AuditEntry, AuditPage } from '@orderwire/contracts';

/** AUDIT_RETENTION_DAYS and AUDIT_MAX_PER_TENANT: past either, the oldest entries leave. */
export interface AuditStoreBounds {
  retentionMs: number;
  maxPerTenant: number;
  /** How many entries one page reads at most (AUDIT_SCAN_MAX unless a test says otherwise). */
  scanMax?: number;
}

export interface AuditQuery {
  orderId?: string;
  /** The actor, or the user acted upon. */
  userId?: string;
  action?: string;
  /** Entries older than this id (a previous page's `next`). */
  before?: string;
  limit: number;
}

/** A page reads at most this many entries to find `limit` that match, then says where it stopped. */
export const AUDIT_SCAN_MAX = 5000;

/** Each tenant's audit trail, append-only, newest read first (docs/protocol.md section 11). */
export interface AuditStore {
  /** Appends the entry; the store gives it its id (`<ms>-<seq>`, increasing). */
  append(entry: Omit<AuditEntry, 'id'>): Promise<void>;
  page(tenantId: string, query: AuditQuery): Promise<AuditPage>;
}

/** Whether an entry matches the query's filters. */
export function matches(entry: AuditEntry, q: AuditQuery): boolean {
  return (
    (q.orderId === undefined || entry.orderId === q.orderId) &&
    (q.userId === undefined || entry.actor.id === q.userId || entry.subjectUserId === q.userId) &&
    (q.action === undefined || entry.action === q.action)
  );
}
