import type { Order } from '@orderwire/contracts/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { orderName } from './lib/format.js';
import { t, type MessageKey } from './lib/i18n.js';

/** How long a bumped ticket can be recalled (Backspace or R). */
export const RECALL_MS = 10 * 60_000;
const RECALL_MAX = 10;

export interface Bumped {
  orderId: string;
  at: number;
}

const typing = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && target.closest('input, select, textarea, [contenteditable]') !== null;

/**
 * The kitchen's keyboard and bump bar (bump bars send keys): 1–9 select a ticket in reading order,
 * arrows move the selection, Enter advances the selected ticket one step, Backspace or R recalls
 * the last ticket this screen bumped (within 10 minutes), ? shows the keys. Keys typed into a field
 * are the field's.
 */
export function useKitchenKeys(ids: string[], advance: (orderId: string) => void) {
  const [selected, setSelected] = useState<string>();
  const [bumped, setBumped] = useState<Bumped[]>([]);
  const [recalled, setRecalled] = useState<string>();
  const [help, setHelp] = useState(false);
  const live = useRef({ ids, selected, bumped, advance });
  live.current = { ids, selected, bumped, advance };

  const bump = (orderId: string): void => {
    live.current.advance(orderId);
    setBumped((list) =>
      [{ orderId, at: Date.now() }, ...list.filter((b) => b.orderId !== orderId)].slice(0, RECALL_MAX),
    );
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const { ids: list, selected: current, bumped: done } = live.current;
      const at = current ? list.indexOf(current) : -1;
      if (/^[1-9]$/.test(e.key)) {
        const id = list[Number(e.key) - 1];
        if (id) setSelected(id);
      } else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') {
        if (list.length) setSelected(list[Math.min(list.length - 1, at + 1)]);
      } else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
        if (list.length) setSelected(list[Math.max(0, at - 1)]);
      } else if (e.key === 'Enter' && current) {
        bump(current);
      } else if (e.key === 'Backspace' || e.key === 'r' || e.key === 'R') {
        const last = done.find((b) => Date.now() - b.at < RECALL_MS);
        if (last) {
          setRecalled(last.orderId);
          setSelected(last.orderId);
        }
      } else if (e.key === '?') {
        setHelp((h) => !h);
      } else if (e.key === 'Escape') {
        setHelp(false);
        setRecalled(undefined);
      } else return;
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const recent = bumped.filter((b) => Date.now() - b.at < RECALL_MS);
  return { selected, select: setSelected, bump, recalled, setRecalled, recent, help, setHelp };
}

const KEYS: Array<[string, MessageKey]> = [
  ['1 – 9', 'keys.select'],
  ['← ↑ → ↓', 'keys.move'],
  ['Enter', 'keys.bump'],
  ['Backspace · R', 'keys.recall'],
  ['?', 'keys.help'],
  ['Esc', 'keys.close'],
];

/** The keys, on screen (the `?` key, or the button). */
export function KeysHelp({ onClose }: { onClose: () => void }) {
  return (
    <aside class="card keys" aria-labelledby="keys-h" data-testid="keys-help">
      <h2 id="keys-h">{t('keys.title')}</h2>
      <dl>
        {KEYS.map(([key, what]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{t(what)}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose}>
        {t('keys.close')}
      </button>
    </aside>
  );
}

/** The tickets this screen bumped in the last 10 minutes, newest first: tap one to recall it. */
export function RecallList(props: {
  recent: Bumped[];
  orders: Order[];
  onRecall: (orderId: string) => void;
}) {
  const byId = new Map(props.orders.map((o) => [o.orderId, o]));
  if (props.recent.length === 0) return null;
  return (
    <details class="recall" data-testid="recall-list">
      <summary>{t('keys.recallList', { count: props.recent.length })}</summary>
      <ul class="plain">
        {props.recent.map((b) => {
          const o = byId.get(b.orderId);
          return (
            <li key={b.orderId}>
              <button
                type="button"
                data-testid={`recall-${b.orderId}`}
                onClick={() => props.onRecall(b.orderId)}
              >
                {o ? orderName(o) : b.orderId}
                {o ? ` · ${t(`status.${o.status}` as MessageKey)}` : ''}
              </button>
            </li>
          );
        })}
      </ul>
    </details>
  );
}
