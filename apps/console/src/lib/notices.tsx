import type { GlobalWebSocketManager } from '@orderwire/client';
import { useEffect, useState } from 'preact/hooks';
import { clock } from './format.js';
import { t } from './i18n.js';

interface Notice {
  id: string;
  level: string;
  message: string;
  at: string;
}

/** The restaurant's announcements (`notification`), newest first, the last five, shown until the page closes. */
export function Notices({ m }: { m: GlobalWebSocketManager }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  useEffect(
    () =>
      m.on('notification', (e) =>
        setNotices((list) =>
          [{ id: e.id, level: e.data.level, message: e.data.message, at: e.timestamp }, ...list].slice(0, 5),
        ),
      ),
    [m],
  );
  if (notices.length === 0) return null;
  return (
    <section class="notices" aria-label={t('customer.notice')} data-testid="notices">
      {notices.map((n) => (
        <p key={n.id} class={`notice ${n.level}`} role={n.level === 'critical' ? 'alert' : undefined}>
          <strong>{t('customer.notice')}</strong> <time dateTime={n.at}>{clock(n.at)}</time>: {n.message}
        </p>
      ))}
    </section>
  );
}
