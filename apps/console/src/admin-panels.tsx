import type { AlertData, DeadLetterItem, Order } from '@orderwire/contracts/protocol';

/** The orders a panel can name: the board's and the day book's (an order number, else its id). */
export type Named = ReadonlyArray<{ orderId: string; orderNumber?: string }>;
import type { GlobalWebSocketManager } from '@orderwire/client';
import { useEffect, useState } from 'preact/hooks';
import { Check, Choice } from './lib/fields.js';
import { clock, orderName } from './lib/format.js';
import { t, type MessageKey } from './lib/i18n.js';
import { messageOf, toast } from './lib/ui.js';

/**
 * The admin view's feeds and forms: alerts, announcements, undelivered messages, activity. The
 * feeds subscribe as they mount and ask the hub for their lists once the connection is `live`
 * (the manager connects after the view's subscriptions are made: see useConnect).
 */

interface AuditItem {
  id: string;
  at: string;
  actor: { id: string; type: string };
  action: string;
  orderId?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  details?: Record<string, unknown>;
}

export function Alerts({ m, orders, live }: { m: GlobalWebSocketManager; orders: Named; live: boolean }) {
  const byId = new Map(orders.map((o) => [o.orderId, o]));
  /**
   * What happened, in the console's language and the restaurant's words (the hub's own message is
   * English and names protocol messages): from the alert's details, by code.
   */
  const words = (a: AlertData): string => {
    const d = a.details ?? {};
    const id = typeof d.orderId === 'string' ? d.orderId : undefined;
    const order = id
      ? orderName(byId.get(id) ?? { orderId: id, orderNumber: d.orderNumber as string | undefined })
      : '';
    const list = (v: unknown) => (Array.isArray(v) ? v.join(', ') : '');
    if (a.code === 'DEPENDENCY_DOWN')
      return t(d.recovered ? 'alert.say.DEPENDENCY_UP' : 'alert.say.DEPENDENCY_DOWN', {
        what: list(d.dependencies),
      });
    if (a.code === 'DELIVERY_FAILED')
      return t('alert.say.DELIVERY_FAILED', {
        what: t(`message.${String(d.type)}` as MessageKey),
        who: list(d.recipients),
      });
    const key = `alert.say.${a.code}` as MessageKey;
    return id && t(key) !== key ? t(key, { order }) : a.message;
  };
  const [alerts, setAlerts] = useState<Array<AlertData & { id: string; at: string }>>([]);
  const [historyLoaded, setHistoryLoaded] = useState(false);
  useEffect(
    () =>
      m.on('system.alert', (e) =>
        setAlerts((list) => [{ id: e.id, at: e.timestamp, ...e.data }, ...list].slice(0, 50)),
      ),
    [m],
  );
  useEffect(() => {
    // Live ones as they come, the history (the audit trail keeps alerts) once connected, once.
    if (!live || historyLoaded) return;
    setHistoryLoaded(true);
    void m
      .send('admin.audit', { action: 'alert', limit: 20 } as never)
      .then((r) => {
        const items = (r as { items: AuditItem[] }).items;
        setAlerts((live) => [
          ...live,
          ...items.map((i) => {
            // An alert in the trail: its code, severity and message are the entry's details.
            const { code, severity, message, ...details } = (i.details ?? {}) as Record<string, unknown>;
            return { id: i.id, at: i.at, code, severity, message, details } as AlertData & {
              id: string;
              at: string;
            };
          }),
        ]);
      })
      .catch(() => undefined);
  }, [m, live]);
  return (
    <section class="card" aria-labelledby="alerts-h" data-testid="alerts">
      <h2 id="alerts-h">{t('admin.alerts')}</h2>
      {alerts.length === 0 && <p class="empty">{t('admin.noAlerts')}</p>}
      <ul class="feed" tabIndex={0}>
        {alerts.map((a) => (
          <li key={a.id} class={`sev-${a.severity}`}>
            <time dateTime={a.at}>{clock(a.at)}</time>{' '}
            <b data-code={a.code}>{t(`alert.${a.code}` as MessageKey)}</b> {words(a)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** An audit entry in the restaurant's words (never a protocol name): who did what to which order. */
export function activityText(i: AuditItem, orders: Named): string {
  const o = i.orderId ? orders.find((x) => x.orderId === i.orderId) : undefined;
  const order = o ? orderName(o) : (i.orderId ?? '');
  const who = i.actor.type === 'system' ? t('activity.hub') : i.actor.id;
  // Store statuses have their own words (store.busy), order statuses theirs (status.ready).
  const family = i.action.startsWith('store.') ? 'store' : 'status';
  const status = i.after?.status ? t(`${family}.${String(i.after.status)}` as MessageKey).toLowerCase() : '';
  const key = `activity.${i.action}` as MessageKey;
  const known = t(key) !== key;
  return t(known ? key : 'activity.other', { who, order, status });
}

export function Activity(props: {
  m: GlobalWebSocketManager;
  /** The board: a change of any order reads the trail again. */
  orders: Order[];
  /** Every order the page can name (the board's and the day book's). */
  names: Named;
  live: boolean;
}) {
  const { m, orders, names, live } = props;
  const [items, setItems] = useState<AuditItem[]>([]);
  const latest = orders.reduce((max, o) => (o.updatedAt > max ? o.updatedAt : max), '');
  useEffect(() => {
    if (!live) return;
    void m
      .send('admin.audit', { limit: 30 } as never)
      .then((r) => setItems((r as { items: AuditItem[] }).items))
      .catch(() => undefined);
  }, [m, latest, live]);
  return (
    <section class="card" aria-labelledby="activity-h" data-testid="activity">
      <h2 id="activity-h">{t('admin.activity')}</h2>
      <ul class="feed" tabIndex={0}>
        {items.map((i) => (
          <li key={i.id}>
            <time dateTime={i.at}>{clock(i.at)}</time> {activityText(i, names)}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DeadLetters({ m, live }: { m: GlobalWebSocketManager; live: boolean }) {
  const [items, setItems] = useState<DeadLetterItem[]>([]);
  const load = (): void =>
    void m
      .send('admin.dead_letters', {})
      .then((r) => setItems(r.items))
      .catch(() => undefined);
  useEffect(
    () =>
      m.on('system.alert', (e) => {
        if (e.data.code === 'DELIVERY_FAILED') load();
      }),
    [m],
  );
  // On every (re)connect: what failed meanwhile is listed too.
  useEffect(() => {
    if (live) load();
  }, [m, live]);
  return (
    <section class="card" aria-labelledby="dl-h" data-testid="dead-letters">
      <h2 id="dl-h">{t('admin.deadLetters')}</h2>
      {items.length === 0 && <p class="empty">{t('admin.noDeadLetters')}</p>}
      <ul class="feed" tabIndex={0}>
        {items.map((d) => (
          <li key={d.messageId}>
            <time dateTime={d.at}>{clock(d.at)}</time>{' '}
            <b data-type={d.type}>{t(`message.${d.type}` as MessageKey)}</b>{' '}
            {t('admin.deadLetter.to', { who: d.recipients.join(', ') })} ({d.lastError}){' '}
            <button
              type="button"
              data-testid={`replay-${d.messageId}`}
              onClick={() =>
                void m
                  .send('admin.replay', { messageId: d.messageId })
                  .then(() => {
                    toast(t('admin.replayed'), 'success');
                    load();
                  })
                  .catch((err: unknown) => toast(messageOf(err), 'error'))
              }
            >
              {t('admin.replay')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

const LEVELS = ['info', 'warning', 'critical'] as const;
const ROLES = ['customer', 'crew', 'admin'] as const;

/** `admin.announce`: a notice to the chosen roles of the tenant. */
export function Announce({ m }: { m: GlobalWebSocketManager }) {
  const [audience, setAudience] = useState<Set<(typeof ROLES)[number]>>(new Set(['customer', 'crew']));
  const [level, setLevel] = useState<(typeof LEVELS)[number]>('info');
  const [message, setMessage] = useState('');
  const send = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      await m.send('admin.announce', { audience: [...audience], level, message });
      setMessage('');
      toast(t('admin.announce.sent'), 'success');
    } catch (err) {
      toast(messageOf(err), 'error');
    }
  };
  const toggle = (role: (typeof ROLES)[number], on: boolean): void => {
    const next = new Set(audience);
    if (on) next.add(role);
    else next.delete(role);
    setAudience(next);
  };
  return (
    <section class="card" aria-labelledby="announce-h">
      <h2 id="announce-h">{t('admin.announce')}</h2>
      <form class="announce" onSubmit={(e) => void send(e)} data-testid="announce">
        <fieldset class="seg">
          <legend>{t('admin.announce.audience')}</legend>
          {ROLES.map((r) => (
            <Check
              key={r}
              label={t(`role.${r}` as MessageKey)}
              checked={audience.has(r)}
              onChange={(on) => toggle(r, on)}
              testid={`announce-${r}`}
            />
          ))}
        </fieldset>
        <Choice
          label={t('admin.announce.level')}
          value={level}
          testid="announce-level"
          onChange={setLevel}
          options={LEVELS.map((l) => ({ value: l, label: t(`level.${l}` as MessageKey) }))}
        />
        <label for="announce-message">{t('admin.announce.message')}</label>
        <textarea
          id="announce-message"
          rows={2}
          maxLength={1000}
          required
          value={message}
          data-testid="announce-message"
          onInput={(e) => setMessage((e.target as HTMLTextAreaElement).value)}
        />
        <button
          type="submit"
          class="primary"
          disabled={audience.size === 0 || !message.trim()}
          data-testid="announce-send"
        >
          {t('admin.announce.send')}
        </button>
      </form>
    </section>
  );
}
