import type { Order } from '@orderwire/contracts/protocol';
import { KITCHEN_STATUSES } from '@orderwire/contracts/protocol';
import { t } from './lib/i18n.js';

/**
 * All-day counts: how many of each item the open orders still need, the lines already bumped left
 * out, grouped by station when the menu has stations (the line a cook runs at).
 */
export function AllDay({ orders }: { orders: Order[] }) {
  const byStation = new Map<string, Map<string, number>>();
  for (const o of orders) {
    if (!KITCHEN_STATUSES.has(o.status)) continue;
    o.items.forEach((item, i) => {
      if (o.linesReady?.includes(i)) return;
      const station = item.station ?? '';
      let counts = byStation.get(station);
      if (!counts) byStation.set(station, (counts = new Map()));
      counts.set(item.name, (counts.get(item.name) ?? 0) + item.quantity);
    });
  }
  if (byStation.size === 0) return null;
  const stations = [...byStation.keys()].sort();
  return (
    <section class="all-day" aria-label={t('crew.allDay')} data-testid="all-day">
      {stations.map((station) => (
        <div key={station} class="all-day-station" data-testid={`all-day-${station || 'all'}`}>
          {station && <b>{station}</b>}
          {[...byStation.get(station)!.entries()]
            .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
            .map(([name, count]) => (
              <span key={name} class="chip" data-testid={`all-day-count-${name}`}>
                {t('crew.allDay.count', { count, name })}
              </span>
            ))}
        </div>
      ))}
    </section>
  );
}
