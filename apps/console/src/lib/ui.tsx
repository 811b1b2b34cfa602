import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type ConnectionStatus, OrderwireError } from '@orderwire/client';
import { LANGUAGES, lang, type MessageKey, t } from './i18n.js';
import type { Claims, Problem } from './session.js';

// ---------- toasts: what replaced alert() ----------

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error' | 'success';
  /** An action offered with it ("Undo"), and what it does. */
  action?: { label: string; run: () => void };
  ms: number;
}

let nextId = 1;
let toasts: Toast[] = [];
const listeners = new Set<(list: Toast[]) => void>();
const publish = (): void => listeners.forEach((l) => l(toasts));

/**
 * What to tell the user about a failure, in the page's language: the words for the refusal's code
 * (the hub's own message is English and may name protocol messages), what is wrong with each
 * refused field ("overlaps another range"), or, for a code the catalog lacks, the hub's message.
 */
export function messageOf(err: unknown): string {
  if (!(err instanceof OrderwireError)) return String(err);
  const fields = err.details?.fields as Array<{ messages: string[] }> | undefined;
  if (fields?.length) return fields.flatMap((f) => f.messages).join('; ');
  const key = `error.${err.code}` as MessageKey;
  const left = err.details?.triesLeft;
  return t(key) !== key
    ? t(key, { reason: err.message, left: typeof left === 'number' ? left : '?' })
    : err.message;
}

/** Shows a message for `ms` (5 s; errors 8 s); returns a function that dismisses it. */
export function toast(
  text: string,
  kind: Toast['kind'] = 'info',
  extra: Partial<Pick<Toast, 'action' | 'ms'>> = {},
): () => void {
  const item: Toast = { id: nextId++, text, kind, ms: kind === 'error' ? 8000 : 5000, ...extra };
  toasts = [...toasts.slice(-4), item];
  publish();
  const dismiss = (): void => {
    toasts = toasts.filter((x) => x !== item);
    publish();
  };
  setTimeout(dismiss, item.ms);
  return dismiss;
}

/** The toasts, in a live region that screen readers announce. */
export function Toasts() {
  const [list, setList] = useState(toasts);
  useEffect(() => {
    listeners.add(setList);
    return () => void listeners.delete(setList);
  }, []);
  // On a phone they sit just under the header (its controls stay free), clear of the cart's and
  // the order card's buttons below (main.css); the header scrolls away, so never above 0.5rem.
  const header = list.length ? document.querySelector('header.bar') : null;
  const below = header ? Math.max(8, header.getBoundingClientRect().bottom + 8) : 8;
  return (
    <div
      class="toasts"
      role="status"
      aria-live="polite"
      data-testid="toasts"
      style={{ '--below-header': `${below}px` }}
    >
      {list.map((x) => (
        <div key={x.id} class={`toast ${x.kind}`} data-testid={`toast-${x.kind}`}>
          <span>{x.text}</span>
          {x.action && (
            <button
              type="button"
              onClick={() => {
                x.action!.run();
                toasts = toasts.filter((y) => y !== x);
                publish();
              }}
            >
              {x.action.label}
            </button>
          )}
        </div>
      ))}
    </div>
  );
}

// ---------- the frame of every view ----------

export function ConnectionBadge({ status }: { status: ConnectionStatus }) {
  return (
    <span class={`badge ${status}`} data-testid="connection" data-status={status}>
      {t(`conn.${status}` as MessageKey)}
    </span>
  );
}

export function ProblemBanner({ problem, onRetry }: { problem?: Problem; onRetry?: () => void }) {
  if (!problem) return null;
  return (
    <div class="problem" role="alert" data-testid="problem" data-problem={problem.key}>
      <p>{t(problem.key, problem.vars)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('problem.retry')}
        </button>
      )}
    </div>
  );
}

function LanguagePicker() {
  return (
    <label class="lang">
      <span class="sr-only">{t('app.language')}</span>
      <select
        value={lang}
        onChange={(e) => {
          const params = new URLSearchParams(location.search);
          params.set('lang', (e.target as HTMLSelectElement).value);
          location.search = params.toString();
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {l.toUpperCase()}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Shell(props: {
  title: string;
  status?: ConnectionStatus;
  who?: Claims;
  onSignOut?: () => void;
  children: ComponentChildren;
}) {
  return (
    <>
      <header class="bar">
        <h1>
          <span aria-hidden="true" class="logo">
            ◉
          </span>{' '}
          {props.title}
        </h1>
        <div class="bar-end">
          {props.who && (
            <span class="who" data-testid="who" title={t('app.signedInAs')}>
              <span class="sr-only">{t('app.signedInAs')} </span>
              <b>{props.who.sub}</b> · {props.who.tenantId ?? '*'} · {props.who.crewRole ?? props.who.role}
            </span>
          )}
          {props.status && <ConnectionBadge status={props.status} />}
          <LanguagePicker />
          {props.onSignOut && (
            <button type="button" class="quiet" onClick={props.onSignOut} data-testid="sign-out">
              {t('app.signOut')}
            </button>
          )}
        </div>
      </header>
      <main>{props.children}</main>
      <Toasts />
    </>
  );
}

/** Re-renders every `ms` (age timers, "stale since"). */
export function useTick(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
