// The soak's verdict on one memory series (issue #35): is it still growing once warm?
//
// A node's floors (the lowest heap or RSS of each minute) step up while it warms (connections,
// caches, JIT, the allocator's arenas) and then stay flat; a leak keeps climbing. A least-squares
// line through the floors reads a healthy step in the first minute as a drift of 17 %, and reads
// an RSS floor that dips when the allocator hands memory back (and then refills) as a climb. So
// the slope is the Theil-Sen estimator (the median of the slopes between every pair of minutes),
// which a minority of such minutes does not move, over every minute after the warm-up; and it
// is said in MB per hour and in % of the floors' median per hour, which do not depend on how long
// the run was. Floors jitter by a MB or two with the timing of collections, so a slope is only
// told from that noise over enough minutes: fewer than MIN_MINUTES is no verdict (a failure).

/** Minutes after the warm-up needed for a verdict: with fewer, a 5 %/h slope is within the noise. */
export const MIN_MINUTES = 15;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

/** The median of the slopes between every pair of points (per step): robust to outlying points. */
export function theilSen(ys) {
  const slopes = [];
  for (let i = 0; i < ys.length; i++)
    for (let j = i + 1; j < ys.length; j++) slopes.push((ys[j] - ys[i]) / (j - i));
  return slopes.length ? median(slopes) : 0;
}

/**
 * `floors`: one per minute after the warm-up (MB). Passes when they grow by at most
 * `maxPctPerHour` % of their median per hour.
 */
export function soakVerdict(floors, { maxPctPerHour = 5 } = {}) {
  if (floors.length < MIN_MINUTES)
    return {
      pass: false,
      why: `${floors.length} minutes after the warm-up; at least ${MIN_MINUTES} are needed to tell a slope from the noise`,
    };
  const mbPerHour = theilSen(floors) * 60;
  const pctPerHour = (mbPerHour / median(floors)) * 100;
  const pass = pctPerHour <= maxPctPerHour;
  return {
    pass,
    mbPerHour: +mbPerHour.toFixed(2),
    pctPerHour: +pctPerHour.toFixed(2),
    why: pass
      ? `flat once warm: ${mbPerHour.toFixed(1)} MB/h (${pctPerHour.toFixed(1)} %/h) over ${floors.length} minutes`
      : `still growing once warm: ${mbPerHour.toFixed(1)} MB/h (${pctPerHour.toFixed(1)} %/h, over ${maxPctPerHour})`,
  };
}
