import type { GlobalWebSocketManager } from '@orderwire/client';
import type { Menu, OpeningHours, OpeningRange, Weekday } from '@orderwire/contracts/protocol';
import { WEEKDAYS } from '@orderwire/contracts/protocol';
import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from './lib/i18n.js';
import { messageOf, toast } from './lib/ui.js';

/** One day's ranges as people write them: `11:00-14:30, 18:00-23:00`. */
const write = (ranges: OpeningRange[] = []): string => ranges.map((r) => `${r.open}-${r.close}`).join(', ');

/** The ranges of `text`, or undefined when it is not a list of `HH:MM-HH:MM`. */
function read(text: string): OpeningRange[] | undefined {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const ranges = parts.map((p) => /^(\d\d:\d\d)\s*-\s*(\d\d:\d\d)$/.exec(p));
  if (ranges.some((r) => !r)) return undefined;
  return ranges.map((r) => ({ open: r![1]!, close: r![2]! }));
}

/**
 * The admin's opening hours (`store.set_hours`, docs/protocol.md section 13): the zone and a line
 * per weekday; the hub checks them (overlaps, ranges past midnight) and says what is wrong.
 */
export function HoursEditor({ m, menu }: { m: GlobalWebSocketManager; menu?: Menu }) {
  const [zone, setZone] = useState('');
  const [days, setDays] = useState<Record<Weekday, string>>(
    Object.fromEntries(WEEKDAYS.map((d) => [d, ''])) as Record<Weekday, string>,
  );
  const version = menu?.version;
  useEffect(() => {
    const hours = menu?.settings?.hours;
    setZone(menu?.settings?.timezone ?? '');
    setDays(Object.fromEntries(WEEKDAYS.map((d) => [d, write(hours?.weekly[d])])) as Record<Weekday, string>);
  }, [version]);
  if (!menu) return null;
  const save = (e: Event): void => {
    e.preventDefault();
    const weekly: OpeningHours['weekly'] = {};
    for (const d of WEEKDAYS) {
      const ranges = read(days[d]);
      if (!ranges) return void toast(t('hours.bad', { day: t(`day.${d}` as MessageKey) }), 'error');
      if (ranges.length) weekly[d] = ranges;
    }
    const hours = {
      weekly,
      ...(menu.settings?.hours?.exceptions ? { exceptions: menu.settings.hours.exceptions } : {}),
    };
    void m
      .send('store.set_hours', { hours, ...(zone ? { timezone: zone } : {}) })
      .then(() => toast(t('hours.saved'), 'success'))
      .catch((err: unknown) => toast(messageOf(err), 'error'));
  };
  return (
    <details class="card hours">
      <summary>{t('hours.title')}</summary>
      <form onSubmit={save}>
        <label>
          {t('hours.zone')}{' '}
          <input
            value={zone}
            data-testid="hours-zone"
            onInput={(e) => setZone((e.target as HTMLInputElement).value)}
          />
        </label>
        {WEEKDAYS.map((d) => (
          <label key={d}>
            {t(`day.${d}` as MessageKey)}{' '}
            <input
              value={days[d]}
              placeholder="11:00-14:30, 18:00-23:00"
              data-testid={`hours-${d}`}
              onInput={(e) => setDays({ ...days, [d]: (e.target as HTMLInputElement).value })}
            />
          </label>
        ))}
        <button type="submit" class="primary" data-testid="hours-save">
          {t('hours.save')}
        </button>
      </form>
    </details>
  );
}
