import type { FieldError } from './errors.js';
import { isOpenAt, nextHoursChange, nextOpening, type OpeningHours } from './hours.js';
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
  /** When the hub next looks again: the `until`, or the next change of the opening hours. */
  wakeAt?: string;
}

/** Who returns a store to `open` when its `until` passes, and opens and closes it by its hours. */
export const STORE_SYSTEM: Sender = { id: 'hub', type: 'system' };
/** The `reason` of a store closed by its opening hours. */
export const OUTSIDE_HOURS = 'outside opening hours';

/** A restaurant's opening hours and the time zone they are in (its menu's settings). */
export interface StoreSchedule {
  hours: OpeningHours;
  zone: string;
}

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

const NEVER_SET: StoredStoreStatus = {
  status: 'open',
  extraPrepMinutes: 0,
  version: 0,
  updatedBy: STORE_SYSTEM,
  updatedAt: new Date(0).toISOString(),
};

/**
 * The status people (or services) set, as it stands at `now`: back to `open`, set by the hub, once
 * its `until` passed (`expired`); `base` is the stored record (a tenant that never set one, open).
 */
function setByPeople(stored: StoredStoreStatus | undefined, now: number) {
  const base = stored ?? NEVER_SET;
  const expired = base.until !== undefined && Date.parse(base.until) <= now;
  const manual: Pick<StoredStoreStatus, 'status' | 'extraPrepMinutes' | 'until' | 'reason' | 'updatedBy'> =
    expired ? { status: 'open', extraPrepMinutes: 0, updatedBy: STORE_SYSTEM } : base;
  return { base, expired, manual };
}

/**
 * What the hub writes when it looks again at `now` (at a `wakeAt`): the status set by people,
 * back to `open` once its `until` passed, written one version later with the next `wakeAt`.
 */
export function storeStatusAwake(
  stored: StoredStoreStatus | undefined,
  now: number,
  schedule?: StoreSchedule,
): Omit<StoredStoreStatus, 'version'> {
  const { manual } = setByPeople(stored, now);
  return {
    status: manual.status,
    extraPrepMinutes: manual.extraPrepMinutes,
    ...(manual.until !== undefined ? { until: manual.until } : {}),
    ...(manual.reason !== undefined ? { reason: manual.reason } : {}),
    updatedBy: manual.updatedBy,
    updatedAt: new Date(now).toISOString(),
    ...wakeOf(manual.until, now, schedule),
  };
}

/** The next time the status in force may change by itself: its `until`, or the hours' next change. */
export function wakeOf(
  until: string | undefined,
  now: number,
  schedule?: StoreSchedule,
): { wakeAt?: string } {
  const byHours = schedule ? nextHoursChange(schedule.hours, schedule.zone, now) : undefined;
  const times = [until === undefined ? undefined : Date.parse(until), byHours].filter(
    (t): t is number => t !== undefined && t > now,
  );
  return times.length ? { wakeAt: new Date(Math.min(...times)).toISOString() } : {};
}

/**
 * `store.status` as it is at `now`: the stored status (a passed `until` reads as `open`), closed
 * outside the opening hours unless people paused or closed it themselves, with `nextOpenAt` while
 * orders are refused. Its version is one above the stored one when an `until` or a change of the
 * hours came since it was written, which is the version the hub writes when it wakes then.
 */
export function storeStatusView(
  stored: StoredStoreStatus | undefined,
  now: number,
  schedule?: StoreSchedule,
): StoreStatusData {
  const { base, expired, manual } = setByPeople(stored, now);
  const hoursOpen = schedule ? isOpenAt(schedule.hours, schedule.zone, now) : true;
  const moved =
    schedule !== undefined &&
    isOpenAt(schedule.hours, schedule.zone, Date.parse(base.updatedAt)) !== hoursOpen;
  const version = base.version + (expired || moved ? 1 : 0);
  const opening = (from: number): string | undefined => {
    const t = schedule ? nextOpening(schedule.hours, schedule.zone, from) : from;
    return t === undefined ? undefined : new Date(t).toISOString();
  };
  if (!hoursOpen && !STORE_CLOSED_STATUSES.has(manual.status)) {
    const nextOpenAt = opening(now);
    return {
      status: 'closed',
      extraPrepMinutes: 0,
      reason: OUTSIDE_HOURS,
      ...(nextOpenAt ? { nextOpenAt } : {}),
      version,
      updatedBy: STORE_SYSTEM,
    };
  }
  const nextOpenAt =
    STORE_CLOSED_STATUSES.has(manual.status) && manual.until !== undefined
      ? opening(Date.parse(manual.until))
      : undefined;
  return {
    status: manual.status,
    extraPrepMinutes: manual.extraPrepMinutes,
    ...(manual.until !== undefined ? { until: manual.until } : {}),
    ...(manual.reason !== undefined ? { reason: manual.reason } : {}),
    ...(nextOpenAt ? { nextOpenAt } : {}),
    version,
    updatedBy: manual.updatedBy,
  };
}
