/**
 * Opening hours (docs/protocol.md section 13): a weekly schedule in the restaurant's time zone,
 * with dated exceptions, and the time arithmetic the hub and the console share. Class-free, so
 * browser code can use it.
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** At most this many ranges on one day (weekly or an exception), and this many exceptions. */
export const HOURS_MAX_RANGES_PER_DAY = 6;
export const HOURS_MAX_EXCEPTIONS = 100;
/** A range whose `close` is before its `open` runs past midnight, ending by this time. */
export const HOURS_OVERNIGHT_LATEST_CLOSE = '12:00';
/** How far ahead the hub looks for the next opening (a long holiday closure ends within it). */
export const HOURS_LOOKAHEAD_DAYS = 400;

export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
export const CLOSING_TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
export const LOCAL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Open from `open` to `close`, local times `HH:MM`; `close` before `open` ends the next day. */
export interface OpeningRange {
  open: string;
  /** `HH:MM`, or `24:00` for the end of the day. */
  close: string;
}

/** A date (`YYYY-MM-DD`, local) with other hours: `ranges: []` is closed all day (a holiday). */
export interface HoursException {
  date: string;
  ranges: OpeningRange[];
}

export interface OpeningHours {
  /** Each weekday's ranges; a day left out (or `[]`) is closed. */
  weekly: Partial<Record<Weekday, OpeningRange[]>>;
  exceptions?: HoursException[];
}

const DAY = 1440;
const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
/** A range as minutes from the start of its day: [from, to), `to` past 1440 when overnight. */
const span = (r: OpeningRange): [number, number] => {
  const from = minutes(r.open);
  const to = minutes(r.close);
  return [from, to <= from ? to + DAY : to];
};

/** What a schema cannot say about hours, as a field path under `settings.hours`, or undefined. */
export function hoursProblem(hours: OpeningHours): { field: string; message: string } | undefined {
  const latest = minutes(HOURS_OVERNIGHT_LATEST_CLOSE);
  const checkRanges = (ranges: OpeningRange[], at: string) => {
    for (const [i, r] of ranges.entries()) {
      if (r.open === r.close)
        return { field: `${at}.${i}`, message: `a range cannot open and close at ${r.open}` };
      if (minutes(r.close) < minutes(r.open) && minutes(r.close) > latest) {
        return {
          field: `${at}.${i}`,
          message: `close ${r.close} is before open ${r.open}: a range past midnight ends by ${HOURS_OVERNIGHT_LATEST_CLOSE}`,
        };
      }
    }
    return undefined;
  };
  // The week as one circle of minutes: ranges of a day, and its night's spill into the next, overlap nothing.
  const week: Array<{ from: number; to: number; field: string }> = [];
  for (const [d, day] of WEEKDAYS.entries()) {
    const ranges = hours.weekly[day] ?? [];
    const bad = checkRanges(ranges, `weekly.${day}`);
    if (bad) return bad;
    ranges.forEach((r, i) => {
      const [from, to] = span(r);
      week.push({ from: d * DAY + from, to: d * DAY + to, field: `weekly.${day}.${i}` });
    });
  }
  const weekOverlap = overlap(week, 7 * DAY);
  if (weekOverlap) return { field: weekOverlap, message: 'overlaps another range' };
  const dates = new Set<string>();
  for (const [i, ex] of (hours.exceptions ?? []).entries()) {
    if (!isCalendarDate(ex.date))
      return { field: `exceptions.${i}.date`, message: `${ex.date} is not a date (YYYY-MM-DD)` };
    if (dates.has(ex.date)) return { field: `exceptions.${i}.date`, message: `${ex.date} appears twice` };
    dates.add(ex.date);
    const bad = checkRanges(ex.ranges, `exceptions.${i}.ranges`);
    if (bad) return bad;
    const own = ex.ranges.map((r, j) => {
      const [from, to] = span(r);
      return { from, to, field: `exceptions.${i}.ranges.${j}` };
    });
    const clash = overlap(own);
    if (clash) return { field: clash, message: 'overlaps another range' };
  }
  return undefined;
}

/** The field of the first range that overlaps another; `circle` wraps the end onto the start. */
function overlap(
  ranges: Array<{ from: number; to: number; field: string }>,
  circle?: number,
): string | undefined {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.from < sorted[i - 1]!.to) return sorted[i]!.field;
  const last = sorted.at(-1);
  if (circle && last && sorted.length > 1 && last.to - circle > sorted[0]!.from) return last.field;
  return undefined;
}

function isCalendarDate(date: string): boolean {
  if (!LOCAL_DATE.test(date)) return false;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** A local calendar day: what its hours are read from. */
interface LocalDay {
  y: number;
  m: number;
  d: number;
}

const FORMATS = new Map<string, Intl.DateTimeFormat>();
const LOCAL = new Map<string, { minute: number; day: LocalDay; minuteOfDay: number }>();

/** The local day and minute of day of `t` in `zone` (formatted once per zone and minute). */
function localAt(t: number, zone: string): { day: LocalDay; minuteOfDay: number } {
  const minute = Math.floor(t / 60_000);
  const key = zone;
  const hit = LOCAL.get(key);
  if (hit && hit.minute === minute) return hit;
  let format = FORMATS.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    FORMATS.set(zone, format);
  }
  const p: Record<string, number> = {};
  for (const part of format.formatToParts(minute * 60_000))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  const local = {
    minute,
    day: { y: p.year!, m: p.month!, d: p.day! },
    minuteOfDay: (p.hour! % 24) * 60 + p.minute!,
  };
  LOCAL.set(key, local);
  return local;
}

/** How far `zone`'s clock is ahead of UTC at `t`, in ms. */
function offsetAt(t: number, zone: string): number {
  const { day, minuteOfDay } = localAt(t, zone);
  return Date.UTC(day.y, day.m - 1, day.d) + minuteOfDay * 60_000 - Math.floor(t / 60_000) * 60_000;
}

/**
 * The instant of local `minuteOfDay` on `day` in `zone` (minutes past 1440 run into the next
 * day). A time that occurs twice (clocks going back) is its first occurrence; one that does not
 * occur (clocks going forward) is as far past the change as it was meant to be past midnight's
 * offset: 02:30 on a night that skips 02:00–03:00 is 03:30.
 */
export function zonedTime(day: LocalDay, minuteOfDay: number, zone: string): number {
  const wall = Date.UTC(day.y, day.m - 1, day.d) + minuteOfDay * 60_000;
  const before = offsetAt(wall - 86_400_000, zone);
  const after = offsetAt(wall + 86_400_000, zone);
  const valid = [wall - before, wall - after]
    .filter((t) => wall - offsetAt(t, zone) === t)
    .sort((a, b) => a - b);
  return valid[0] ?? wall - before;
}

const dayKey = (day: LocalDay): string =>
  `${day.y}-${String(day.m).padStart(2, '0')}-${String(day.d).padStart(2, '0')}`;
const addDays = (day: LocalDay, n: number): LocalDay => {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};
const weekdayOf = (day: LocalDay): Weekday =>
  WEEKDAYS[(new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay() + 6) % 7]!;

/** The ranges of one local day: its exception's, else its weekday's. */
function rangesOn(hours: OpeningHours, day: LocalDay): OpeningRange[] {
  const key = dayKey(day);
  const exception = hours.exceptions?.find((e) => e.date === key);
  return exception ? exception.ranges : (hours.weekly[weekdayOf(day)] ?? []);
}

/** Whether the restaurant is open at `t` by its hours. */
export function isOpenAt(hours: OpeningHours, zone: string, t: number): boolean {
  const { day, minuteOfDay } = localAt(t, zone);
  for (const r of rangesOn(hours, day)) {
    const [from, to] = span(r);
    if (minuteOfDay >= from && minuteOfDay < Math.min(to, DAY)) return true;
  }
  // Last night's ranges that run past midnight into today.
  for (const r of rangesOn(hours, addDays(day, -1))) {
    const [, to] = span(r);
    if (to > DAY && minuteOfDay < to - DAY) return true;
  }
  return false;
}

/** Every opening and closing instant from the day before `t`'s to `days` days after, in order. */
function boundaries(hours: OpeningHours, zone: string, t: number, days: number): number[] {
  const { day } = localAt(t, zone);
  const out: number[] = [];
  for (let i = -1; i <= days; i++) {
    const d = addDays(day, i);
    for (const r of rangesOn(hours, d)) {
      const [from, to] = span(r);
      out.push(zonedTime(d, from, zone), zonedTime(d, to, zone));
    }
    out.push(zonedTime(d, 0, zone));
  }
  return out.sort((a, b) => a - b);
}

/**
 * The first instant after `t` at which the hours open or close the store (undefined: they never
 * do within HOURS_LOOKAHEAD_DAYS). Midnights count as candidates, since an exception may start there.
 */
export function nextHoursChange(hours: OpeningHours, zone: string, t: number): number | undefined {
  const now = isOpenAt(hours, zone, t);
  for (
    let from = t, step = 8;
    from - t < HOURS_LOOKAHEAD_DAYS * 86_400_000;
    from += (step - 1) * 86_400_000
  ) {
    for (const b of boundaries(hours, zone, from, step))
      if (b > t && isOpenAt(hours, zone, b) !== now) return b;
  }
  return undefined;
}

/** When the store next opens by its hours at or after `t` (`t` itself when open then). */
export function nextOpening(hours: OpeningHours, zone: string, t: number): number | undefined {
  if (isOpenAt(hours, zone, t)) return t;
  return nextHoursChange(hours, zone, t);
}
