import type { Menu, Order, OrderStatus } from '@orderwire/contracts/protocol';
import {
  type CrewRole,
  crewMayMove,
  DEFAULT_PREP_MINUTES,
  KITCHEN_STATUSES,
  nextStatuses,
  placedAt,
} from '@orderwire/contracts/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { actionLabel, DESTRUCTIVE, sendStep, sendWithUndo } from './lib/actions.js';
import { mount, type ViewProps } from './lib/app.js';
import { Courier } from './courier.js';
import { clock, money, orderName, timer } from './lib/format.js';
import { t, type MessageKey } from './lib/i18n.js';
import { useMenu, useOrders, useStoreStatus } from './lib/orders.js';
import { StoreBar } from './store-bar.js';
import { Check, Choice } from './lib/fields.js';
import { printSlip } from './print-slip.js';
import { useDeviceFlag } from './lib/device.js';
import { Notices } from './lib/notices.js';
import { AllDay } from './all-day.js';
import { SoundToggle, useKitchenSound } from './crew-sound.js';
import { KeysHelp, RecallList, useKitchenKeys } from './crew-keys.js';
import { messageOf, toast, useTick } from './lib/ui.js';
import type { GlobalWebSocketManager } from '@orderwire/client';

type Station = 'all' | 'kitchen' | 'front';
const COLUMNS: Record<Station, OrderStatus[]> = {
  all: ['scheduled', 'placed', 'accepted', 'preparing', 'ready', 'out_for_delivery'],
  kitchen: ['scheduled', 'placed', 'accepted', 'preparing', 'ready'],
  front: ['scheduled', 'placed', 'ready', 'out_for_delivery'],
};
/** Every line (no kitchen station chosen), or one station's (docs/protocol.md section 13). */
const ALL_LINES = '*';
/** Whether a line is the chosen station's: its own, or one no station makes. */
const mine = (item: Order['items'][number], line: string): boolean =>
  line === ALL_LINES || item.station === undefined || item.station === line;
/** The estimates crew pick from, in minutes. */
const ETA_CHOICES = [5, 10, 15, 20, 30, 45, 60];
/** Where a device remembers that it prints each ticket it accepts. */
const AUTO_PRINT_KEY = 'orderwire:console:auto-print';
/** A ticket counts as new this long after it arrived. */
const NEW_MS = 60_000;

function Ticket(props: {
  o: Order;
  m: GlobalWebSocketManager;
  now: number;
  isNew: boolean;
  urgent: boolean;
  slaSeconds: number;
  /** The restaurant's prep time (settings.prepMinutes): what every ticket's clock is measured by. */
  targetMinutes: number;
  crewRole?: CrewRole;
  line: string;
  /** Chosen with the keyboard or bump bar (crew-keys.tsx). */
  selected?: boolean;
  /** After this screen accepted the order (auto-print). */
  onAccepted?: (o: Order) => void;
}) {
  const { o, m, now, isNew, urgent, slaSeconds, targetMinutes, crewRole, line, selected, onAccepted } = props;
  const self = useRef<HTMLElement>(null);
  useEffect(() => {
    if (selected) self.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const [armed, setArmed] = useState<OrderStatus>();
  // An estimate the customer sees as "expected at": given with the next step while cooking.
  const [eta, setEta] = useState('');
  const estimating = KITCHEN_STATUSES.has(o.status);
  // One clock per ticket, from when it was placed (fired, for a scheduled one), to the second; its
  // colour and the "late" tag are read from that same clock, so they never disagree with it: late
  // past the prep time (or, while nobody accepted it, past the acceptance SLA), warn from half.
  const since = placedAt(o);
  const waitedS = (now - Date.parse(since)) / 1000;
  const limitS = o.status === 'placed' ? Math.min(slaSeconds, targetMinutes * 60) : targetMinutes * 60;
  const sla =
    o.status === 'scheduled' ? 'ok' : waitedS >= limitS ? 'late' : waitedS >= limitS / 2 ? 'warn' : 'ok';
  const tap = (to: OrderStatus): void => {
    if (!DESTRUCTIVE.has(to))
      return void sendStep(m, o, to, eta && to !== 'ready' ? Number(eta) : undefined).then(
        (ok) => ok && to === 'accepted' && onAccepted?.(o),
      );
    if (armed !== to) {
      setArmed(to);
      setTimeout(() => setArmed(undefined), 4000);
      return;
    }
    setArmed(undefined);
    sendWithUndo(m, o, to);
  };
  return (
    <article
      ref={self}
      class={`ticket sla-${sla}${isNew ? ' new' : ''}${urgent ? ' urgent' : ''}${selected ? ' selected' : ''}`}
      data-urgent={urgent ? 'true' : 'false'}
      data-selected={selected ? 'true' : 'false'}
      aria-current={selected ? 'true' : undefined}
      data-testid={`ticket-${o.orderId}`}
      data-status={o.status}
      aria-label={`${orderName(o)}, ${t(`status.${o.status}` as MessageKey)}`}
    >
      <header>
        <strong class="number">{orderName(o)}</strong>
        {isNew && <span class="tag new">{t('crew.new')}</span>}
        {urgent && (
          <span class="tag late" role="alert" data-testid={`urgent-${o.orderId}`}>
            {t('crew.urgent')}
          </span>
        )}
        {sla === 'late' && <span class="tag late">{t('crew.late')}</span>}
        {o.status === 'scheduled' && o.fireAt ? (
          <span class="age" data-testid={`age-${o.orderId}`} data-state="scheduled">
            {t('crew.firesIn', { time: timer(Date.parse(o.fireAt) - now) })}
          </span>
        ) : (
          <span class="age" title={since} data-testid={`age-${o.orderId}`} data-state={sla}>
            {timer(waitedS * 1000)}
          </span>
        )}
      </header>
      <p class="meta">
        {o.table ? (
          <span class="tag table" data-testid={`table-${o.orderId}`}>
            {t('crew.table', { table: o.table })}
          </span>
        ) : (
          t(`fulfillment.${o.fulfillment}` as MessageKey)
        )}{' '}
        · {money(o.total, o.currency)} · {o.payment?.status === 'paid' ? t('crew.paid') : t('crew.unpaid')}
      </p>
      {o.status === 'scheduled' && o.fireAt && (
        <p class="fires" data-testid={`fires-${o.orderId}`}>
          {t('crew.fires', { time: clock(o.fireAt), ready: clock(o.scheduledFor ?? o.fireAt) })}
        </p>
      )}
      <ul class="items">
        {o.items.map((i, n) => {
          const ready = o.linesReady?.includes(n) ?? false;
          const ours = mine(i, line);
          return (
            <li
              key={n}
              class={`${ours ? '' : 'other'}${ready ? ' done' : ''}`}
              data-testid={`line-${o.orderId}-${n}`}
            >
              <b>{i.quantity}×</b> {i.name}
              {i.station && <span class="station"> · {i.station}</span>}
              {i.modifiers?.length ? (
                <span class="mods"> + {i.modifiers.map((x) => x.name).join(', ')}</span>
              ) : null}
              {ready && <span class="tag ready"> ✓ {t('crew.lineReady')}</span>}
              {!ready && ours && o.status === 'preparing' && (
                <button
                  type="button"
                  class="bump"
                  data-testid={`bump-${o.orderId}-${n}`}
                  onClick={() =>
                    void m
                      .send('order.item_ready', { orderId: o.orderId, lineIndexes: [n] })
                      .catch((err: unknown) => toast(messageOf(err), 'error'))
                  }
                >
                  {t('crew.bump', { name: i.name })}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {o.notes && <p class="notes">“{o.notes}”</p>}
      {estimating && (
        <Choice
          label={t('crew.eta')}
          value={eta}
          testid={`eta-${o.orderId}`}
          onChange={setEta}
          options={[
            { value: '', label: t('crew.eta.none') },
            ...ETA_CHOICES.map((n) => ({ value: String(n), label: t('crew.eta.minutes', { minutes: n }) })),
          ]}
        />
      )}
      <div class="actions">
        <button
          type="button"
          class="quiet"
          data-testid={`print-${o.orderId}`}
          onClick={() => printSlip(o, 'kitchen')}
        >
          {t('print.kitchen')}
        </button>
        {crewRole !== 'kitchen' && (
          <button
            type="button"
            class="quiet"
            data-testid={`receipt-${o.orderId}`}
            onClick={() => printSlip(o, 'receipt')}
          >
            {t('print.receipt')}
          </button>
        )}
        {nextStatuses(o.status, o.fulfillment)
          .filter((to) => crewMayMove(crewRole, to, o.fulfillment))
          .map((to) => (
            <button
              key={to}
              type="button"
              class={DESTRUCTIVE.has(to) ? `danger${armed === to ? ' armed' : ''}` : 'primary'}
              data-testid={`step-${o.orderId}-${to}`}
              onClick={() => tap(to)}
            >
              {armed === to
                ? t('action.confirm', { action: actionLabel(to), order: orderName(o) })
                : actionLabel(to)}
            </button>
          ))}
      </div>
    </article>
  );
}

function Stock({ menu, m }: { menu: Menu; m: GlobalWebSocketManager }) {
  return (
    <details class="card stock">
      <summary>{t('crew.stock')}</summary>
      <ul>
        {menu.items.map((i) => (
          <li key={i.sku}>
            <label>
              <input
                type="checkbox"
                checked={i.available}
                data-testid={`stock-${i.sku}`}
                onChange={(e) =>
                  void m
                    .send('menu.set_availability', {
                      sku: i.sku,
                      available: (e.target as HTMLInputElement).checked,
                    })
                    .catch((err: unknown) => toast(messageOf(err), 'error'))
                }
              />{' '}
              {i.name} — {i.available ? t('crew.available') : t('crew.soldOut')}
            </label>
          </li>
        ))}
      </ul>
    </details>
  );
}

function Board({ hub, who, config }: ViewProps) {
  const m = hub.manager;
  const initialStation: Station =
    who.crewRole === 'kitchen' || who.crewRole === 'front' ? who.crewRole : 'all';
  const [station, setStation] = useState<Station>(initialStation);
  const ring = useRef({ newTicket: () => undefined as void, unseen: () => undefined as void });
  const { orders, firstSeen, urgent } = useOrders(
    m,
    () => ring.current.newTicket(),
    () => ring.current.unseen(),
  );
  const sound = useKitchenSound(orders, urgent);
  ring.current = sound;
  const menu = useMenu(m);
  const store = useStoreStatus(m);
  const now = useTick(1000);
  const columns = COLUMNS[station];
  const lines = [...new Set((menu?.items ?? []).flatMap((i) => (i.station ? [i.station] : [])))];
  const [line, setLine] = useState<string>(who.stations?.[0] ?? ALL_LINES);
  const shown = line === ALL_LINES ? orders : orders.filter((o) => o.items.some((i) => mine(i, line)));
  const byStatus = (status: OrderStatus) =>
    shown.filter((o) => o.status === status).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  // Reading order: column by column, oldest first (what 1–9 and the arrows walk).
  const ids = columns.flatMap((status) => byStatus(status).map((o) => o.orderId));
  const keys = useKitchenKeys(ids, (orderId) => {
    const o = orders.find((x) => x.orderId === orderId);
    const next = o
      ? nextStatuses(o.status, o.fulfillment).find(
          (to) =>
            !DESTRUCTIVE.has(to) && crewMayMove(who.crewRole as CrewRole | undefined, to, o.fulfillment),
        )
      : undefined;
    if (o && next)
      void sendStep(m, o, next).then(
        (ok) => ok && next === 'accepted' && autoPrint && printSlip(o, 'kitchen'),
      );
  });
  const recalled = keys.recalled ? orders.find((o) => o.orderId === keys.recalled) : undefined;
  const targetMinutes = menu?.settings?.prepMinutes ?? DEFAULT_PREP_MINUTES;
  const [autoPrint, setAutoPrint] = useDeviceFlag(AUTO_PRINT_KEY, false);
  return (
    <div class="crew">
      <Notices m={m} />
      <StoreBar m={m} status={store} canSet={who.crewRole === 'front'} />
      <div class="toolbar">
        <Choice
          label={t('crew.station')}
          value={station}
          testid="station"
          onChange={setStation}
          options={(['all', 'kitchen', 'front'] as const).map((s) => ({
            value: s,
            label: t(`crew.station.${s}` as MessageKey),
          }))}
        />
        {(lines.length > 0 || line !== ALL_LINES) && (
          <Choice
            label={t('crew.line')}
            value={line}
            testid="line"
            onChange={setLine}
            options={[
              { value: ALL_LINES, label: t('crew.line.all') },
              ...[...new Set([...lines, ...(who.stations ?? [])])].map((l) => ({ value: l, label: l })),
            ]}
          />
        )}
        <SoundToggle state={sound.state} alerts={sound.alerts} toggle={sound.toggle} />
        <button
          type="button"
          data-testid="keys"
          aria-expanded={keys.help}
          onClick={() => keys.setHelp(!keys.help)}
        >
          {t('keys.button')}
        </button>
        <RecallList recent={keys.recent} orders={orders} onRecall={keys.setRecalled} />
        <Check label={t('print.auto')} checked={autoPrint} testid="auto-print" onChange={setAutoPrint} />
      </div>
      <AllDay orders={shown} />
      {keys.help && <KeysHelp onClose={() => keys.setHelp(false)} />}
      {recalled && (
        <section class="card recalled" aria-labelledby="recalled-h" data-testid="recalled">
          <h2 id="recalled-h">{t('keys.recalled', { order: orderName(recalled) })}</h2>
          <Ticket
            o={recalled}
            m={m}
            now={now}
            isNew={false}
            urgent={false}
            slaSeconds={config.acceptSlaSeconds}
            targetMinutes={targetMinutes}
            crewRole={who.crewRole as CrewRole | undefined}
            line={line}
          />
          <button type="button" onClick={() => keys.setRecalled(undefined)}>
            {t('keys.close')}
          </button>
        </section>
      )}
      {orders.length === 0 && <p class="empty">{t('crew.empty')}</p>}
      <div class="columns" style={{ '--cols': columns.length }}>
        {columns.map((status) => {
          const here = byStatus(status);
          return (
            <section
              key={status}
              class="column"
              data-testid={`column-${status}`}
              aria-label={t(`status.${status}` as MessageKey)}
            >
              <h2>{t('crew.column', { status: t(`status.${status}` as MessageKey), count: here.length })}</h2>
              {here.map((o) => (
                <Ticket
                  key={o.orderId}
                  o={o}
                  m={m}
                  now={now}
                  slaSeconds={config.acceptSlaSeconds}
                  targetMinutes={targetMinutes}
                  crewRole={who.crewRole as CrewRole | undefined}
                  line={line}
                  isNew={(firstSeen.get(o.orderId) ?? 0) > now - NEW_MS}
                  urgent={urgent.has(o.orderId)}
                  selected={keys.selected === o.orderId}
                  onAccepted={(x) => autoPrint && printSlip(x, 'kitchen')}
                />
              ))}
            </section>
          );
        })}
      </div>
      {menu && <Stock menu={menu} m={m} />}
    </div>
  );
}

function Crew(props: ViewProps) {
  return props.who.crewRole === 'courier' ? <Courier {...props} /> : <Board {...props} />;
}

void mount('crew', Crew);
