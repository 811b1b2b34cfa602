import type { BoardOrder, MetricsData, Order, OrderStatus } from '@orderwire/contracts/protocol';
import { FINAL_STATUSES, placedAt } from '@orderwire/contracts/protocol';
import type { GlobalWebSocketManager } from '@orderwire/client';
import { useEffect, useState } from 'preact/hooks';
import { Activity, Alerts, Announce, DeadLetters } from './admin-panels.js';
import { AssignCourier, CouriersMap } from './admin-couriers.js';
import { mount, type ViewProps } from './lib/app.js';
import { Choice } from './lib/fields.js';
import { clock, minutesSince, money, number, orderName } from './lib/format.js';
import { t, type MessageKey } from './lib/i18n.js';
import { useMenu, useOrders, useStoreStatus } from './lib/orders.js';
import { HoursEditor } from './hours-editor.js';
import { Today, useDayReport } from './admin-today.js';
import { StoreBar } from './store-bar.js';
import { useTick } from './lib/ui.js';

/** How many metric samples the charts keep (one per METRICS_INTERVAL_MS: 5 s → 10 minutes). */
const SAMPLES = 120;
const ACTIVE: OrderStatus[] = ['scheduled', 'placed', 'accepted', 'preparing', 'ready', 'out_for_delivery'];

/** A line chart with labelled axes and units: `values` over the last samples, newest right. */
function Chart(props: { label: string; unit: string; values: number[]; testid: string; spanMs: number }) {
  const { label, unit, values, testid, spanMs } = props;
  const span =
    spanMs >= 60_000
      ? t('admin.span.min', { value: Math.round(spanMs / 60_000) })
      : t('admin.span.s', { value: Math.round(spanMs / 1000) });
  const max = Math.max(1, ...values);
  const w = 300;
  const h = 90;
  const left = 36;
  const bottom = 16;
  const x = (i: number): number => left + ((w - left - 4) * i) / Math.max(1, SAMPLES - 1);
  const y = (v: number): number => 4 + (h - bottom - 4) * (1 - v / max);
  const offset = SAMPLES - values.length;
  const points = values.map((v, i) => `${x(offset + i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return (
    <figure class="chart" data-testid={testid}>
      <figcaption>
        {label} <span class="muted">({unit})</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${w} ${h}`}
        role="img"
        aria-label={`${label}: ${values.length ? number(values[values.length - 1]) : '—'} ${unit}`}
      >
        <line x1={left} y1={h - bottom} x2={w} y2={h - bottom} class="axis" />
        <line x1={left} y1="4" x2={left} y2={h - bottom} class="axis" />
        <text x={left - 4} y="10" text-anchor="end">
          {number(max)}
        </text>
        <text x={left - 4} y={h - bottom} text-anchor="end">
          0
        </text>
        <text x={left} y={h - 2}>
          {span}
        </text>
        <text x={w} y={h - 2} text-anchor="end">
          {t('admin.now')}
        </text>
        {values.length > 1 && <polyline points={points} class="line" />}
      </svg>
    </figure>
  );
}

/** The System tab's charts: test id, caption, unit and the figure of each sample. */
const CHARTS: Array<[string, MessageKey, string, (s: MetricsData) => number]> = [
  ['connections', 'admin.kpi.connections', '#', (s) => s.connections.total],
  ['rate', 'admin.kpi.rate', 'msg/s', (s) => s.messagesPerSecond],
  ['p99', 'admin.kpi.p99', 'ms', (s) => s.deliveryLatencyP99Ms ?? 0],
  ['loop', 'admin.kpi.loop', 'ms', (s) => s.eventLoopDelayP99Ms],
];

function Kpis({ m, live }: { m: GlobalWebSocketManager; live: boolean }) {
  const [samples, setSamples] = useState<MetricsData[]>([]);
  const now = useTick(5000);
  useEffect(() => m.on('system.metrics', ({ data }) => setSamples((s) => [...s, data].slice(-SAMPLES))), [m]);
  const last = samples[samples.length - 1];
  // What the charts' width stands for: SAMPLES samples at the hub's METRICS_INTERVAL_MS.
  const interval =
    samples.length > 1
      ? new Date(last.at).getTime() - new Date(samples[samples.length - 2].at).getTime()
      : 5000;
  const spanMs = interval * (SAMPLES - 1);
  const stale = !live && last;
  return (
    <section
      class={`card kpis${stale ? ' stale' : ''}`}
      aria-labelledby="kpi-h"
      data-testid="kpis"
      data-stale={stale ? 'true' : 'false'}
    >
      <h2 id="kpi-h">{t('admin.kpis')}</h2>
      {stale && (
        <p class="stale-note" data-testid="stale">
          {t('admin.stale', { time: clock(last.at) })}
          <span class="sr-only">{now}</span>
        </p>
      )}
      <dl>
        <div>
          <dt>{t('admin.kpi.connections')}</dt>
          <dd data-testid="kpi-connections">{last ? number(last.connections.total) : '—'}</dd>
        </div>
        <div>
          <dt>{t('admin.kpi.rate')}</dt>
          <dd data-testid="kpi-rate">{last ? number(last.messagesPerSecond) : '—'}</dd>
        </div>
        <div>
          <dt>{t('admin.kpi.p99')}</dt>
          <dd>{last?.deliveryLatencyP99Ms != null ? `${number(last.deliveryLatencyP99Ms)} ms` : '—'}</dd>
        </div>
        <div>
          <dt>{t('admin.kpi.loop')}</dt>
          <dd data-testid="kpi-loop">{last ? `${number(last.eventLoopDelayP99Ms)} ms` : '—'}</dd>
        </div>
        <div>
          <dt>{t('admin.kpi.queue')}</dt>
          <dd>{last ? number(last.queueDepth) : '—'}</dd>
        </div>
      </dl>
      <div class="charts">
        {CHARTS.map(([id, label, unit, value]) => (
          <Chart
            key={id}
            testid={`chart-${id}`}
            label={t(label)}
            unit={unit}
            spanMs={spanMs}
            values={samples.map(value)}
          />
        ))}
      </div>
    </section>
  );
}

/** What needs a manager first (docs/protocol.md section 14): unseen by every screen, then late. */
type Attention = 'unseen' | 'late' | undefined;
const RANK: Record<string, number> = { unseen: 0, late: 1, none: 2 };

function OrderBoard(props: {
  m: GlobalWebSocketManager;
  orders: BoardOrder[];
  urgent: ReadonlySet<string>;
  slaSeconds: number;
}) {
  const { m, orders, urgent, slaSeconds } = props;
  const [status, setStatus] = useState<'active' | OrderStatus>('active');
  const [query, setQuery] = useState('');
  const now = useTick(10_000);
  const q = query.trim().toLowerCase();
  const attention = (o: Order): Attention =>
    urgent.has(o.orderId)
      ? 'unseen'
      : o.status === 'placed' && now - Date.parse(placedAt(o)) > slaSeconds * 1000
        ? 'late'
        : undefined;
  const shown = orders
    .filter((o) => (status === 'active' ? !FINAL_STATUSES.has(o.status) : o.status === status))
    .filter((o) => !q || orderName(o).toLowerCase().includes(q) || o.customerId.toLowerCase().includes(q))
    .sort(
      (a, b) =>
        RANK[attention(a) ?? 'none']! - RANK[attention(b) ?? 'none']! ||
        b.createdAt.localeCompare(a.createdAt),
    );
  return (
    <section class="card board" aria-labelledby="board-h">
      <h2 id="board-h">{t('admin.board')}</h2>
      <div class="toolbar">
        <Choice
          label={t('admin.filter.status')}
          value={status}
          testid="filter-status"
          onChange={setStatus}
          options={[
            { value: 'active' as const, label: t('admin.filter.all') },
            ...[...ACTIVE, ...(['delivered', 'picked_up', 'served', 'rejected', 'cancelled'] as const)].map(
              (s) => ({
                value: s,
                label: t(`status.${s}` as MessageKey),
              }),
            ),
          ]}
        />
        <label>
          <span class="sr-only">{t('admin.filter.search')}</span>
          <input
            type="search"
            placeholder={t('admin.filter.search')}
            value={query}
            data-testid="filter-search"
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
          />
        </label>
      </div>
      <div class="scroll-x">
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('admin.filter.status')}</th>
              <th scope="col">{t('customer.total')}</th>
              <th scope="col">{t('admin.age')}</th>
              <th scope="col">{t('admin.courier')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, 200).map((o) => (
              <tr
                key={o.orderId}
                data-testid={`row-${o.orderId}`}
                data-status={o.status}
                data-attention={attention(o) ?? 'none'}
                class={attention(o) ?? ''}
              >
                <td>
                  {orderName(o)} <span class="muted">{o.customerId}</span>
                  {attention(o) && (
                    <span class="tag alert" data-testid={`attention-${o.orderId}`}>
                      {t(`admin.attention.${attention(o)!}` as MessageKey)}
                    </span>
                  )}
                </td>
                <td>{t(`status.${o.status}` as MessageKey)}</td>
                <td>{money(o.total, o.currency)}</td>
                <td>{t('crew.age', { minutes: minutesSince(o.createdAt, now) })}</td>
                <td>
                  {o.fulfillment === 'delivery' && !FINAL_STATUSES.has(o.status) ? (
                    <AssignCourier m={m} o={o} />
                  ) : (
                    (o.courierId ?? '')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function AdminView({ hub, who, config }: ViewProps) {
  const m = hub.manager;
  const { orders, urgent } = useOrders(m);
  const store = useStoreStatus(m);
  const menu = useMenu(m);
  const live = hub.status === 'open';
  // Platform admins act on every tenant: the store's controls are a tenant admin's.
  const tenantAdmin = who.tenantId !== '*';
  // The restaurant's day first; the hub's own figures behind "System" (both stay mounted, so the
  // charts keep their samples while hidden).
  const [tab, setTab] = useState<'today' | 'system'>('today');
  const report = useDayReport(m, live, tenantAdmin, menu);
  // Orders people can be told about by number: the board's, and the day's that left it.
  const names = report ? [...report.orders, ...orders] : orders;
  const tabButton = (id: 'today' | 'system') => (
    <button
      type="button"
      role="tab"
      id={`tab-${id}`}
      aria-selected={tab === id}
      aria-controls={`panel-${id}`}
      data-testid={`tab-${id}`}
      tabIndex={tab === id ? 0 : -1}
      onClick={() => setTab(id)}
      onKeyDown={(e) => {
        if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
          const next = id === 'today' ? 'system' : 'today';
          setTab(next);
          document.getElementById(`tab-${next}`)?.focus();
        }
      }}
    >
      {t(`admin.tab.${id}`)}
    </button>
  );
  return (
    <div>
      <div class="tabs" role="tablist" aria-label={t('admin.tabs')}>
        {tabButton('today')}
        {tabButton('system')}
      </div>
      <div
        class="admin"
        role="tabpanel"
        id="panel-today"
        aria-labelledby="tab-today"
        hidden={tab !== 'today'}
      >
        {tenantAdmin && <StoreBar m={m} status={store} canSet admin />}
        {tenantAdmin && (
          <Today
            m={m}
            report={report}
            orders={orders}
            urgent={urgent}
            menu={menu}
            slaSeconds={config.acceptSlaSeconds}
          />
        )}
        <OrderBoard m={m} orders={orders} urgent={urgent} slaSeconds={config.acceptSlaSeconds} />
        <CouriersMap m={m} orders={orders} />
        <Alerts m={m} orders={names} live={live} />
        <Activity m={m} orders={orders} names={names} live={live} />
        <Announce m={m} />
        {tenantAdmin && <HoursEditor m={m} menu={menu} />}
      </div>
      <div
        class="admin"
        role="tabpanel"
        id="panel-system"
        aria-labelledby="tab-system"
        hidden={tab !== 'system'}
      >
        <Kpis m={m} live={live} />
        <DeadLetters m={m} live={live} />
      </div>
    </div>
  );
}

void mount('admin', AdminView);
