import type { GlobalWebSocketManager } from '@orderwire/client';
import type { StoreStatusChange, StoreStatusData } from '@orderwire/contracts/protocol';
import { clock } from './lib/format.js';
import { t, type MessageKey } from './lib/i18n.js';
import { messageOf, toast } from './lib/ui.js';

/** What the store's status says, in words: "Busy: +15 min", "Closed until 18:00". */
export function storeLine(s: StoreStatusData): string {
  const name = t(`store.${s.status}` as MessageKey);
  if (s.status === 'busy') return t('store.busyFor', { minutes: s.extraPrepMinutes });
  if (s.nextOpenAt) return t('store.until', { status: name, time: clock(s.nextOpenAt) });
  return name;
}

/** The one-tap changes the front and admins make, by the status they set. */
const TAPS: ReadonlyArray<{ id: string; change: StoreStatusChange; admin?: boolean }> = [
  { id: 'open', change: { status: 'open' } },
  { id: 'busy', change: { status: 'busy', extraPrepMinutes: 15 } },
  { id: 'pause', change: { status: 'paused' } },
  { id: 'close', change: { status: 'closed' }, admin: true },
];

/**
 * The store's status on top of a view; with `canSet`, one-tap open, busy (+15 min) and pause
 * (`store.set_status`), and close for admins.
 */
export function StoreBar(props: {
  m: GlobalWebSocketManager;
  status?: StoreStatusData;
  canSet: boolean;
  admin?: boolean;
}) {
  const { m, status, canSet, admin } = props;
  if (!status) return null;
  const set = (change: StoreStatusChange): void =>
    void m
      .send('store.set_status', change)
      .then((s) => toast(storeLine(s), 'success'))
      .catch((err: unknown) => toast(messageOf(err), 'error'));
  return (
    <section class={`store store-${status.status}`} aria-label={t('store.title')} data-testid="store">
      <strong data-testid="store-status" data-status={status.status}>
        {storeLine(status)}
      </strong>
      {status.reason && <span class="reason">{status.reason}</span>}
      {canSet && (
        <span class="taps">
          {TAPS.filter((tap) => admin || !tap.admin)
            .filter((tap) => tap.change.status !== status.status)
            .map((tap) => (
              <button
                key={tap.id}
                type="button"
                data-testid={`store-${tap.id}`}
                onClick={() => set(tap.change)}
              >
                {t(`store.set.${tap.id}` as MessageKey)}
              </button>
            ))}
        </span>
      )}
    </section>
  );
}
