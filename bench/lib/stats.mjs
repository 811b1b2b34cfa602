import * as hdr from 'hdr-histogram-js';

/** Merges base64 HDR histograms (microseconds) and returns percentiles in milliseconds. */
export function percentiles(encoded) {
  const merged = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (const e of encoded) merged.add(hdr.decodeFromCompressedBase64(e));
  const ms = (p) => (merged.totalCount ? merged.getValueAtPercentile(p) / 1000 : null);
  return {
    count: merged.totalCount,
    p50: ms(50),
    p99: ms(99),
    p999: ms(99.9),
    max: merged.totalCount ? merged.maxValue / 1000 : null,
  };
}

/** Median, min and max of the repeats of one metric. */
export function summary(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return {
    median: v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2,
    min: v[0],
    max: v[v.length - 1],
    n: v.length,
  };
}

export const round = (x, d = 2) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);
