import { locale } from './i18n.js';

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Minor units (cents) as the locale writes money in that currency: 1700 EUR → "€17.00" / "17,00 €". */
export function money(minor: number, currency: string): string {
  let f = moneyFormats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    moneyFormats.set(currency, f);
  }
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(minor / 10 ** digits);
}

const clockFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
/** A time of day, 24 or 12 hours as the locale prefers. */
export const clock = (iso: string | number | Date): string => clockFormat.format(new Date(iso));

/** Whole minutes since `iso`. */
export const minutesSince = (iso: string, now = Date.now()): number =>
  Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60_000));

const numberFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
export const number = (n: number): string => numberFormat.format(n);

/** Metres between two points (haversine), for "the courier is 1.2 km away". */
export function distanceMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** What people call an order: its number, or the last six characters of its id until it has one. */
export const orderName = (o: { orderNumber?: string; orderId: string }): string =>
  o.orderNumber ?? `#${o.orderId.slice(-6).toUpperCase()}`;

/** A duration as a kitchen timer: `4:07`, `1:02:09` (negative durations count as 0). */
export function timer(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
