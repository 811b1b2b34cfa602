import type { GlobalWebSocketManager } from '@orderwire/client';
import type { Order, OrderStatus } from '@orderwire/contracts/protocol';
import {
  type CrewRole,
  crewMayMove,
  KITCHEN_STATUSES,
  nextStatuses,
  placedAt,
} from '@orderwire/contracts/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { actionLabel, DESTRUCTIVE, sendStep, sendWithUndo } from './lib/actions.js';
import { Choice } from './lib/fields.js';
import { clock, money, orderName, timer } from './lib/format.js';
import { t, type MessageKey } from './lib/i18n.js';
import { lateness } from './lib/figures.js';
import { messageOf, toast } from './lib/ui.js';
import { printSlip } from './print-slip.js';

/** Every line (no kitchen station chosen), or one station's (docs/protocol.md section 13). */
export const ALL_LINES = '*';
/** Whether a line is the chosen station's: its own, or one no station makes. */
export const mine = (item: Order['items'][number], line: string): boolean =>
  line === ALL_LINES || item.station === undefined || item.station === line;
/** The estimates crew pick from, in minutes. */
const ETA_CHOICES = [5, 10, 15, 20, 30, 45, 60];

export interface TicketProps {
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
  /** Its place in reading order, the number key that selects it (1–9). */
  position?: number;
  /** Chosen with the keyboard or bump bar (crew-keys.tsx). */
  selected?: boolean;
  /** After this screen accepted the order (auto-print). */
  onAccepted?: (o: Order) => void;
}

/** The fulfilment as a badge a cook reads across the kitchen: the table for dine-in. */
function Fulfilment({ o }: { o: Order }) {
  return (
    <span class={`fulfil f-${o.fulfillment}`} data-testid={`fulfilment-${o.orderId}`}>
      {o.table ? t('crew.table', { table: o.table }) : t(`fulfillment.${o.fulfillment}` as MessageKey)}
    </span>
  );
}

/** The items: quantity and name large, modifiers indented under them; per-line bumps while cooking. */
function Lines({ o, m, line }: { o: Order; m: GlobalWebSocketManager; line: string }) {
  return (
    <ul class="items">
      {o.items.map((i, n) => {
        const ready = o.linesReady?.includes(n) ?? false;
        const ours = mine(i, line);
        const name = (
          <>
            <b>{i.quantity}×</b> {i.name}
            {i.station && <span class="station"> · {i.station}</span>}
          </>
        );
        return (
          <li
            key={n}
            class={`${ours ? '' : 'other'}${ready ? ' done' : ''}`}
            data-testid={`line-${o.orderId}-${n}`}
          >
            {!ready && ours && o.status === 'preparing' ? (
              // The line is its own bump: one tap marks it made (order.item_ready).
              <button
                type="button"
                class="item bump"
                data-testid={`bump-${o.orderId}-${n}`}
                onClick={() =>
                  void m
                    .send('order.item_ready', { orderId: o.orderId, lineIndexes: [n] })
                    .catch((err: unknown) => toast(messageOf(err), 'error'))
                }
              >
                {name}
                <span class="sr-only"> {t('crew.markMade')}</span>
              </button>
            ) : (
              <span class="item">
                {name}
                {ready && <span class="tag ready"> ✓ {t('crew.lineReady')}</span>}
              </span>
            )}
            {i.modifiers?.length ? (
              <span class="mods">{i.modifiers.map((x) => x.name).join(', ')}</span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * One ticket of the kitchen board, compact so a tablet shows eight or more: number, clock,
 * fulfilment badge, items, notes as a band, and the next step as one tap; the estimate, printing
 * and the destructive steps are behind "More".
 */
export function Ticket(props: TicketProps) {
  const { o, m, now, isNew, urgent, slaSeconds, targetMinutes, crewRole, line, selected, onAccepted } = props;
  const self = useRef<HTMLElement>(null);
  useEffect(() => {
    if (selected) self.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const [armed, setArmed] = useState<OrderStatus>();
  const [more, setMore] = useState(false);
  // An estimate the customer sees as "expected at": given with the next step while cooking.
  const [eta, setEta] = useState('');
  const { waitedS, sla } = lateness(o, now, slaSeconds, targetMinutes);
  const steps = nextStatuses(o.status, o.fulfillment).filter((to) =>
    crewMayMove(crewRole, to, o.fulfillment),
  );
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
  const step = (to: OrderStatus) => (
    <button
      key={to}
      type="button"
      class={DESTRUCTIVE.has(to) ? `danger${armed === to ? ' armed' : ''}` : 'primary'}
      data-testid={`step-${o.orderId}-${to}`}
      onClick={() => tap(to)}
    >
      {armed === to ? t('action.confirm', { action: actionLabel(to), order: orderName(o) }) : actionLabel(to)}
    </button>
  );
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
        {props.position !== undefined && props.position <= 9 && (
          <kbd class="key" aria-hidden="true" title={t('keys.select')}>
            {props.position}
          </kbd>
        )}
        <strong class="number">{orderName(o)}</strong>
        {o.status === 'scheduled' && o.fireAt ? (
          <span class="age" data-testid={`age-${o.orderId}`} data-state="scheduled">
            {t('crew.firesIn', { time: timer(Date.parse(o.fireAt) - now) })}
          </span>
        ) : (
          <span class="age" title={placedAt(o)} data-testid={`age-${o.orderId}`} data-state={sla}>
            {timer(waitedS * 1000)}
          </span>
        )}
      </header>
      <p class="meta">
        <Fulfilment o={o} />
        <span class={`lane lane-${o.status}`}>{t(`status.${o.status}` as MessageKey)}</span>
        {isNew && <span class="tag new">{t('crew.new')}</span>}
        {sla === 'late' && <span class="tag late">{t('crew.late')}</span>}
        {crewRole !== 'kitchen' && o.payment?.status !== 'paid' && (
          <span class="tag unpaid">{t('crew.unpaid')}</span>
        )}
      </p>
      {urgent && (
        <p class="tag late urgent-line" role="alert" data-testid={`urgent-${o.orderId}`}>
          {t('crew.urgent')}
        </p>
      )}
      {o.status === 'scheduled' && o.fireAt && (
        <p class="fires" data-testid={`fires-${o.orderId}`}>
          {t('crew.fires', { time: clock(o.fireAt), ready: clock(o.scheduledFor ?? o.fireAt) })}
        </p>
      )}
      <Lines o={o} m={m} line={line} />
      {o.notes && (
        <p class="notes" role="note" data-testid={`notes-${o.orderId}`}>
          <b>{t('crew.note')}</b> {o.notes}
        </p>
      )}
      <div class="actions">
        {steps.filter((to) => !DESTRUCTIVE.has(to)).map(step)}
        <button
          type="button"
          class="more"
          aria-expanded={more}
          aria-label={t('crew.more', { order: orderName(o) })}
          data-testid={`more-${o.orderId}`}
          onClick={() => setMore(!more)}
        >
          ⋯
        </button>
      </div>
      {more && (
        <div class="more-panel" data-testid={`more-panel-${o.orderId}`}>
          <p class="muted">
            {money(o.total, o.currency)} · {o.payment?.status === 'paid' ? t('crew.paid') : t('crew.unpaid')}
          </p>
          {KITCHEN_STATUSES.has(o.status) && (
            <Choice
              label={t('crew.eta')}
              value={eta}
              testid={`eta-${o.orderId}`}
              onChange={setEta}
              options={[
                { value: '', label: t('crew.eta.none') },
                ...ETA_CHOICES.map((n) => ({
                  value: String(n),
                  label: t('crew.eta.minutes', { minutes: n }),
                })),
              ]}
            />
          )}
          <div class="actions">
            <button type="button" data-testid={`print-${o.orderId}`} onClick={() => printSlip(o, 'kitchen')}>
              {t('print.kitchen')}
            </button>
            {crewRole !== 'kitchen' && (
              <button
                type="button"
                data-testid={`receipt-${o.orderId}`}
                onClick={() => printSlip(o, 'receipt')}
              >
                {t('print.receipt')}
              </button>
            )}
            {steps.filter((to) => DESTRUCTIVE.has(to)).map(step)}
          </div>
        </div>
      )}
    </article>
  );
}
