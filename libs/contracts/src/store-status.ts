import type { FieldError } from './errors.js';
import type { Sender } from './roles.js';

/** The store (docs/protocol.md section 13): whether the restaurant takes orders now. */
export const STORE_STATUSES = ['open', 'busy', 'paused', 'closed'] as const;
export type StoreStatus = (typeof STORE_STATUSES)[number];

/** Statuses in which `order.place` is refused with STORE_CLOSED. */
export const STORE_CLOSED_STATUSES: ReadonlySet<StoreStatus> = new Set<StoreStatus>(['paused', 'closed']);
/** `busy` without `extraPrepMinutes` adds this many minutes. */
export const STORE_BUSY_DEFAULT_MINUTES = 15;
/** The most `extraPrepMinutes` may be. */
export const STORE_EXTRA_PREP_MAX_MINUTES = 240;
/** How far ahead `until` may be. */
export const STORE_UNTIL_MAX_DAYS = 7;

/** `store.status`, to every session of the tenant: on connect and on every change. */
export interface StoreStatusData {
  status: StoreStatus;
  /** Minutes the hub adds to the ETAs it gives: set while `busy`, else 0. */
  extraPrepMinutes: number;
  /** When the store returns to `open` by itself (ISO 8601). */
  until?: string;
  reason?: string;
  /** While `paused` or `closed`: when the store takes orders again, as far as the hub knows. */
  nextOpenAt?: string;
  /** Grows by one with every change: keep the status with the highest version. */
  version: number;
  updatedBy: Sender;
}

/** What sets the status: `store.set_status` from a client, or `store.status` from a service. */
export interface StoreStatusChange {
  status: StoreStatus;
  extraPrepMinutes?: number;
  until?: string;
  reason?: string;
}

/**
 * What class-validator cannot say about a status change, as the protocol's fields: minutes only
 * with `busy`, no `until` with `open`, an `until` in the future and at most STORE_UNTIL_MAX_DAYS
 * ahead of `now` (the hub's clock).
 */
export function storeStatusProblem(change: StoreStatusChange, now: number): FieldError | undefined {
  if (change.status !== 'busy' && change.extraPrepMinutes)
    return { field: 'extraPrepMinutes', messages: ['extraPrepMinutes is for status busy only'] };
  if (change.until === undefined) return undefined;
  if (change.status === 'open')
    return { field: 'until', messages: ['until is for busy, paused or closed: open needs no end'] };
  const at = Date.parse(change.until);
  if (!Number.isFinite(at)) return { field: 'until', messages: ['until must be an ISO 8601 time'] };
  if (at <= now) return { field: 'until', messages: ['until must be in the future'] };
  if (at > now + STORE_UNTIL_MAX_DAYS * 86_400_000)
    return { field: 'until', messages: [`until may be at most ${STORE_UNTIL_MAX_DAYS} days ahead`] };
  return undefined;
}

/** The status as the hub keeps it: the last change, with who made it and when. */
export interface StoredStoreStatus {
  status: StoreStatus;
  extraPrepMinutes: number;
  until?: string;
  reason?: string;
  version: number;
  updatedBy: Sender;
  updatedAt: string;
}

/** Who returns a store to `open` when its `until` passes. */
export const STORE_SYSTEM: Sender = { id: 'hub', type: 'system' };

/** The change a status asks for, normalised: minutes only while busy, `until` as UTC ISO. */
export function storeStatusOf(
  change: StoreStatusChange,
): Omit<StoredStoreStatus, 'version' | 'updatedBy' | 'updatedAt'> {
  return {
    status: change.status,
    extraPrepMinutes: change.status === 'busy' ? (change.extraPrepMinutes ?? STORE_BUSY_DEFAULT_MINUTES) : 0,
    ...(change.until !== undefined ? { until: new Date(change.until).toISOString() } : {}),
    ...(change.reason !== undefined ? { reason: change.reason } : {}),
  };
}

/**
 * The status in force at `now`: the stored one until its `until` passes, then `open` (the record
 * the hub writes at that moment, one version later). A tenant that never set one is open.
 */
export function storeStatusAt(stored: StoredStoreStatus | undefined, now: number): StoredStoreStatus {
  if (!stored) {
    return {
      status: 'open',
      extraPrepMinutes: 0,
      version: 0,
      updatedBy: STORE_SYSTEM,
      updatedAt: new Date(0).toISOString(),
    };
  }
  if (stored.until === undefined || Date.parse(stored.until) > now) return stored;
  return {
    status: 'open',
    extraPrepMinutes: 0,
    version: stored.version + 1,
    updatedBy: STORE_SYSTEM,
    updatedAt: stored.until,
  };
}

/** What clients get as `store.status`. */
export function storeStatusData(s: StoredStoreStatus): StoreStatusData {
  return {
    status: s.status,
    extraPrepMinutes: s.extraPrepMinutes,
    ...(s.until !== undefined ? { until: s.until } : {}),
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    ...(STORE_CLOSED_STATUSES.has(s.status) && s.until !== undefined ? { nextOpenAt: s.until } : {}),
    version: s.version,
    updatedBy: s.updatedBy,
  };
}
