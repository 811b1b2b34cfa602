/**
 * The kitchen's prep time and the ETA it gives (docs/protocol.md section 14), as pure functions:
 * what KitchenLoadService learns from and estimates with.
 */

/** One order's prep time, divided by the waves the kitchen had when it came in. */
export interface PrepSample {
  /** `*` for the whole kitchen, else a station. */
  key: string;
  minutes: number;
  /** When it was taken (ms). */
  at: number;
}

export const WHOLE_KITCHEN = '*';
/** Samples before the learned time replaces `settings.prepMinutes`. */
export const ETA_MIN_SAMPLES = 5;
/** Samples per key the quantile reads (the newest). */
export const ETA_SAMPLES_PER_KEY = 50;
/** Samples kept per tenant, all keys together. */
export const ETA_SAMPLES_PER_TENANT = 200;
/** Three orders in four are ready by the learned time. */
export const ETA_QUANTILE = 0.75;
/** A sample's weight halves every two hours. */
export const ETA_HALF_LIFE_MS = 2 * 3_600_000;
/** Orders one person in the kitchen works on at once. */
export const ORDERS_PER_CREW = 3;

/**
 * The learned prep time of `key`: the weighted quantile of its newest samples, each weighing
 * half as much every ETA_HALF_LIFE_MS of age; undefined below ETA_MIN_SAMPLES.
 */
export function learnedMinutes(samples: readonly PrepSample[], key: string, now: number): number | undefined {
  const mine = samples
    .filter((s) => s.key === key)
    .sort((a, b) => b.at - a.at)
    .slice(0, ETA_SAMPLES_PER_KEY);
  if (mine.length < ETA_MIN_SAMPLES) return undefined;
  const weighted = mine
    .map((s) => ({ minutes: s.minutes, weight: 0.5 ** (Math.max(0, now - s.at) / ETA_HALF_LIFE_MS) }))
    .sort((a, b) => a.minutes - b.minutes);
  const total = weighted.reduce((sum, w) => sum + w.weight, 0);
  let sum = 0;
  for (const w of weighted) {
    sum += w.weight;
    if (sum >= ETA_QUANTILE * total) return w.minutes;
  }
  return weighted[weighted.length - 1]!.minutes;
}

/** How many orders the kitchen works on at once, with `crew` sessions connected. */
export const slotsOf = (crew: number): number => ORDERS_PER_CREW * Math.max(1, crew);

/** The waves an order waits through with `ahead` orders before it. */
export const wavesOf = (ahead: number, slots: number): number => 1 + Math.floor(Math.max(0, ahead) / slots);

/**
 * The prep time of an order whose lines are at `stations`: its slowest learned station's, else
 * the kitchen's learned time, else `fallback` (settings.prepMinutes).
 */
export function prepMinutesOf(
  stations: readonly string[],
  learned: ReadonlyMap<string, number>,
  fallback: number,
): number {
  let slowest: number | undefined;
  for (const station of stations) {
    const m = learned.get(station);
    if (m !== undefined && (slowest === undefined || m > slowest)) slowest = m;
  }
  return slowest ?? learned.get(WHOLE_KITCHEN) ?? fallback;
}

/** Every key's learned time (those with enough samples). */
export function learnedByKey(samples: readonly PrepSample[], now: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const key of new Set(samples.map((s) => s.key))) {
    const m = learnedMinutes(samples, key, now);
    if (m !== undefined) out.set(key, m);
  }
  return out;
}
