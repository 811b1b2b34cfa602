import { number } from './format.js';
import { t } from './i18n.js';

export type Point = { lat: number; lng: number };

/** "350 m" or "1.2 km", in the page's language. */
export function distance(m: number): string {
  return m < 1000 ? t('units.m', { value: Math.round(m) }) : t('units.km', { value: number(m / 1000) });
}

/**
 * Where `from` is relative to `to`, drawn without map tiles: the destination in the middle, the
 * position as a dot on a local east/north plane (metres), a ring at the distance's scale.
 */
export function RelativeMap(props: { from: Point; to: Point; label: string; dotLabel: string }) {
  const { from, to, label, dotLabel } = props;
  const metresPerDegLat = 111_320;
  const east = (from.lng - to.lng) * metresPerDegLat * Math.cos((to.lat * Math.PI) / 180);
  const north = (from.lat - to.lat) * metresPerDegLat;
  const d = Math.hypot(east, north);
  const scale = 80 / Math.max(d, 50); // the dot sits on the 80-unit ring, whatever the distance
  return (
    <svg class="relmap" viewBox="-100 -100 200 200" role="img" aria-label={label} data-testid="relmap">
      <circle r="80" class="ring" />
      <circle r="40" class="ring" />
      <line x1="0" y1="0" x2={east * scale} y2={-north * scale} class="path" />
      <circle r="7" class="dest" />
      <circle cx={east * scale} cy={-north * scale} r="6" class="me" data-testid="relmap-dot" />
      <text x="0" y="-86" text-anchor="middle">
        N
      </text>
      <text x="0" y="22" text-anchor="middle">
        {t('map.destination')}
      </text>
      <text x={east * scale} y={-north * scale - 10} text-anchor="middle">
        {dotLabel}
      </text>
    </svg>
  );
}
