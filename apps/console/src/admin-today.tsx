import type { GlobalWebSocketManager } from '@orderwire/client';
import type { AuditEntry, DayOrder, DayReport, Menu, Order } from '@orderwire/contracts/protocol';
import { businessDay, DEFAULT_PREP_MINUTES, FINAL_STATUSES, placedAt } from '@orderwire/contracts/protocol';
import { useEffect, useState } from 'preact/hooks';
import { activityText, type Named } from './admin-panels.js';
import { download, toCsv } from './lib/csv.js';
import { dayFigures, dayRows, lateNow, prepSeconds } from './lib/figures.js';
import { money, number, orderName, timer } from './lib/format.js';
import { t, type MessageKey } from './lib/i18n.js';
import { messageOf, toast, useTick } from './lib/ui.js';

/** The audit trail's pages read for one export at most (100 entries each). */
const AUDIT_PAGES_MAX = 50;

/** `2026-12-07 21:04:05` in the restaurant's time zone: what a spreadsheet reads as a time. */
const LOCAL_TIME = new Map<string, Intl.DateTimeFormat>();
function localTime(iso: string | undefined, timezone: string): string {
  if (!iso) return '';
  let format = LOCAL_TIME.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('sv-SE', {
      timeZone: timezone,
      dateStyle: 'short',
      timeStyle: 'medium',
    });
    LOCAL_TIME.set(timezone, format);
  }
  return format.format(Date.parse(iso));
}

/** An amount in minor units as a plain decimal for a spreadsheet: 2050 EUR is 20.50. */
function decimal(minor: number, currency: string): string {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits!;
  return (minor / 10 ** digits).toFixed(digits);
}

/** A duration for people: `12 min`, or the kitchen's `4:05` under ten minutes. */
function minutes(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  if (seconds >= 600) return t('crew.age', { minutes: Math.round(seconds / 60) });
  return timer(seconds * 1000);
}

function ordersCsv(rows: readonly DayOrder[], timezone: string): string {
  const finished = (o: DayOrder) => (FINAL_STATUSES.has(o.status) ? o.statusTimes[o.status] : undefined);
  return toCsv(
    (
      [
        'number',
        'orderId',
        'placedAt',
        'fulfilment',
        'table',
        'status',
        'items',
        'total',
        'currency',
        'payment',
        'acceptedAt',
        'readyAt',
        'finishedAt',
        'prepMinutes',
        'courier',
      ] as const
    ).map((c) => t(`csv.${c}` as MessageKey)),
    rows.map((o) => [
      orderName(o),
      o.orderId,
      localTime(placedAt(o), timezone),
      t(`fulfillment.${o.fulfillment}` as MessageKey),
      o.table,
      t(`status.${o.status}` as MessageKey),
      o.items.map((i) => `${i.quantity}× ${i.name}`).join('; '),
      decimal(o.total, o.currency),
      o.currency,
      o.payment ? t(`payment.${o.payment}` as MessageKey) : '',
      localTime(o.statusTimes.accepted, timezone),
      localTime(o.statusTimes.ready, timezone),
      localTime(finished(o), timezone),
      ((s) => (s === undefined ? '' : (s / 60).toFixed(1)))(prepSeconds(o)),
      o.courierId,
    ]),
  );
}

/** The audit trail of the business day, newest first, in words (and the action's code). */
async function auditCsv(m: GlobalWebSocketManager, orders: Named, day: string, timezone: string) {
  const rows: unknown[][] = [];
  let before: string | undefined;
  let truncated = false;
  const named = new Map(orders.map((o) => [o.orderId, o]));
  for (let page = 0; ; page++) {
    if (page === AUDIT_PAGES_MAX) {
      truncated = true;
      break;
    }
    const r = await m.send('admin.audit', { limit: 100, ...(before ? { before } : {}) });
    const items = r.items as AuditEntry[];
    const ofDay = items.filter((i) => businessDay(Date.parse(i.at), timezone) === day);
    for (const i of ofDay)
      rows.push([
        localTime(i.at, timezone),
        i.actor.id,
        i.actor.crewRole ?? i.actor.type,
        activityText(i, orders),
        i.action,
        i.orderId ? orderName(named.get(i.orderId) ?? { orderId: i.orderId }) : '',
      ]);
    // Newest first: an entry from an earlier day ends the day's part of the trail.
    if (!r.next || ofDay.length < items.length) break;
    before = r.next;
  }
  const header = (['at', 'who', 'role', 'what', 'action', 'number'] as const).map((c) =>
    t(`csv.audit.${c}` as MessageKey),
  );
  return { text: toCsv(header, rows), count: rows.length, truncated };
}

/**
 * Today's report from the day book (admin.day_report), read when the connection is live (again)
 * and when the restaurant's day turns; a platform admin (no tenant of their own) has none.
 */
export function useDayReport(
  m: GlobalWebSocketManager,
  live: boolean,
  enabled: boolean,
  menu?: Menu,
): DayReport | undefined {
  const [report, setReport] = useState<DayReport>();
  const now = useTick(60_000);
  const timezone = report?.timezone ?? menu?.settings?.timezone;
  const today = timezone ? businessDay(now, timezone) : undefined;
  useEffect(() => {
    if (!live || !enabled) return;
    void m
      .send('admin.day_report', {})
      .then(setReport)
      .catch((err: unknown) => toast(messageOf(err), 'error'));
  }, [m, live, enabled, today]);
  return report;
}

/**
 * The restaurant's day for a manager: orders and takings today, orders in the last hour, prep
 * times, what is late or unseen now, and the day's orders and activity as CSV files.
 */
export function Today(props: {
  m: GlobalWebSocketManager;
  report?: DayReport;
  orders: Order[];
  urgent: ReadonlySet<string>;
  menu?: Menu;
  slaSeconds: number;
}) {
  const { m, report, orders, urgent, menu, slaSeconds } = props;
  const now = useTick(15_000);
  const rows = report ? dayRows(report.orders, orders, report.day, report.timezone) : [];
  const f = dayFigures(rows, now);
  const late = lateNow(orders, now, slaSeconds, menu?.settings?.prepMinutes ?? DEFAULT_PREP_MINUTES);
  const figure = (id: string, label: string, value: string, note?: string) => (
    <div>
      <dt>{label}</dt>
      <dd data-testid={`kpi-${id}`}>{value}</dd>
      {note && <dd class="muted small">{note}</dd>}
    </div>
  );
  const exportAudit = async (): Promise<void> => {
    if (!report) return;
    try {
      const { text, count, truncated } = await auditCsv(
        m,
        [...report.orders, ...orders],
        report.day,
        report.timezone,
      );
      download(`activity-${report.day}.csv`, text);
      toast(
        t(truncated ? 'today.csv.truncated' : 'today.csv.done', { count }),
        truncated ? 'info' : 'success',
      );
    } catch (err) {
      toast(messageOf(err), 'error');
    }
  };
  return (
    <section class="card today" aria-labelledby="today-h" data-testid="today">
      <h2 id="today-h">{t('today.title', { day: report?.day ?? '…' })}</h2>
      {report && !report.complete && (
        <p class="warn" data-testid="today-incomplete">
          {t('today.incomplete')}
        </p>
      )}
      <dl>
        {figure(
          'orders',
          t('today.orders'),
          number(f.orders),
          f.dropped ? t('today.dropped', { count: f.dropped }) : undefined,
        )}
        {figure('last-hour', t('today.lastHour'), number(f.lastHour))}
        {figure(
          'revenue',
          t('today.revenue'),
          f.revenue.length ? f.revenue.map((r) => money(r.minor, r.currency)).join(' + ') : '—',
        )}
        {figure(
          'avg-prep',
          t('today.avgPrep'),
          minutes(f.avgPrepS),
          t('today.prepOf', { count: f.prepCount }),
        )}
        {figure('p90-prep', t('today.p90Prep'), minutes(f.p90PrepS))}
        {figure('late', t('today.late'), number(late))}
        {figure('unseen', t('today.unseen'), number(urgent.size))}
      </dl>
      <div class="actions">
        <button
          type="button"
          data-testid="csv-orders"
          disabled={!report}
          onClick={() => report && download(`orders-${report.day}.csv`, ordersCsv(rows, report.timezone))}
        >
          {t('today.csv.orders')}
        </button>
        <button type="button" data-testid="csv-audit" disabled={!report} onClick={() => void exportAudit()}>
          {t('today.csv.audit')}
        </button>
      </div>
    </section>
  );
}
