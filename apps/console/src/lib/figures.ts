import type { DayOrder, Order } from '@orderwire/contracts/protocol';
import { businessDay, FINAL_STATUSES, placedAt, toDayOrder } from '@orderwire/contracts/protocol';

/**
 * A manager's figures of the day, from the day book's finished orders (admin.day_report,
 * docs/protocol.md section 15) and the board's open ones. Pure functions, no DOM: unit-tested.
 */

/**
 * How late a ticket is, read from the one clock it shows: late past the prep time (or, while nobody
 * accepted it, past the acceptance SLA), warn from half of it; a scheduled ticket is not yet due.
 */
export function lateness(
  o: Order,
  now: number,
  slaSeconds: number,
  targetMinutes: number,
): { waitedS: number; sla: 'ok' | 'warn' | 'late' } {
  const waitedS = (now - Date.parse(placedAt(o))) / 1000;
  const limitS = o.status === 'placed' ? Math.min(slaSeconds, targetMinutes * 60) : targetMinutes * 60;
  const sla =
    o.status === 'scheduled' ? 'ok' : waitedS >= limitS ? 'late' : waitedS >= limitS / 2 ? 'warn' : 'ok';
  return { waitedS, sla };
}

/**
 * The day's orders as rows: the day book's finished ones, and the orders this page knows that
 * were placed that day (open ones, and any that finished since the book was read: newer).
 */
export function dayRows(
  book: readonly DayOrder[],
  live: readonly Order[],
  day: string,
  timezone: string,
): DayOrder[] {
  const rows = new Map(book.map((o) => [o.orderId, o]));
  for (const o of live) {
    if (o.status === 'scheduled' || !o.items.length) continue;
    if (businessDay(Date.parse(placedAt(o)), timezone) === day) rows.set(o.orderId, toDayOrder(o));
  }
  return [...rows.values()].sort(
    (a, b) => placedAt(a).localeCompare(placedAt(b)) || a.orderId.localeCompare(b.orderId),
  );
}

/** Seconds from placed (fired) to ready, for an order that got ready. */
export function prepSeconds(o: Pick<DayOrder, 'statusTimes' | 'createdAt'>): number | undefined {
  const ready = o.statusTimes.ready;
  return ready ? Math.max(0, (Date.parse(ready) - Date.parse(placedAt(o))) / 1000) : undefined;
}

/** The value at fraction `q` of sorted `values` (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (!sorted.length) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))];
}

export interface DayFigures {
  /** Orders of the day, rejected and cancelled ones left out. */
  orders: number;
  /** Of those, placed within the last hour. */
  lastHour: number;
  /** Rejected or cancelled. */
  dropped: number;
  /** The day's takings per currency (minor units): orders not rejected, cancelled or refunded. */
  revenue: Array<{ currency: string; minor: number }>;
  avgPrepS?: number;
  p90PrepS?: number;
  /** How many prep times those two are from. */
  prepCount: number;
}

const DROPPED = new Set(['rejected', 'cancelled']);

export function dayFigures(rows: readonly DayOrder[], now: number): DayFigures {
  const kept = rows.filter((o) => !DROPPED.has(o.status));
  const revenue = new Map<string, number>();
  for (const o of kept)
    if (o.payment !== 'refunded') revenue.set(o.currency, (revenue.get(o.currency) ?? 0) + o.total);
  const preps = kept
    .map(prepSeconds)
    .filter((s): s is number => s !== undefined)
    .sort((a, b) => a - b);
  return {
    orders: kept.length,
    lastHour: kept.filter((o) => now - Date.parse(placedAt(o)) <= 3_600_000).length,
    dropped: rows.length - kept.length,
    revenue: [...revenue].map(([currency, minor]) => ({ currency, minor })),
    ...(preps.length ? { avgPrepS: preps.reduce((a, b) => a + b, 0) / preps.length } : {}),
    ...(preps.length ? { p90PrepS: quantile(preps, 0.9) } : {}),
    prepCount: preps.length,
  };
}

/** Open orders past their target now (the crew board's "late"). */
export function lateNow(
  live: readonly Order[],
  now: number,
  slaSeconds: number,
  targetMinutes: number,
): number {
  return live.filter(
    (o) => !FINAL_STATUSES.has(o.status) && lateness(o, now, slaSeconds, targetMinutes).sla === 'late',
  ).length;
}
