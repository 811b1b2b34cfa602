import { describe, expect, it } from '@jest/globals';
import { MIN_MINUTES, soakVerdict } from '../chaos/lib/soak-verdict.mjs';

/** `minutes` floors of `base` MB growing by `pctPerHour` % of it per hour. */
const climb = (minutes: number, base: number, pctPerHour: number) =>
  Array.from({ length: minutes }, (_, m) => base + (base * pctPerHour * m) / 100 / 60);

/** The 30-minute soak of 2026-12-08 (chaos/results/soak-2026-12-08T00-56-41.json), minutes 5-29. */
const RUN = {
  node1Heap: [
    44.4, 44.9, 45.4, 47.1, 47.1, 46.4, 46.5, 46.8, 45.2, 44.4, 46, 47.9, 45.5, 45.5, 46.4, 47.3, 45.2, 45.4,
    46, 47.3, 46.7, 45.3, 46.3, 45.6, 45.3,
  ],
  node1Rss: [
    153.7, 154.3, 154.3, 155.7, 156.3, 156.2, 156.2, 156.2, 156.8, 156.8, 156.5, 156.6, 157.1, 157.4, 157.4,
    156.6, 156.6, 156.7, 156.4, 157.4, 157.4, 156.5, 156.7, 157, 156.8,
  ],
  // At minute 14 the allocator handed 37 MB back to the system, then filled it again.
  node2Rss: [
    152.4, 152.5, 152.8, 153.3, 153, 153.1, 153.1, 153.4, 153.4, 116.3, 130.9, 148.4, 150.2, 150.5, 151.1,
    150.6, 150.6, 150.9, 151.7, 151.7, 151.7, 151.8, 151.3, 151.3, 152,
  ],
};

describe('the soak verdict (issue #35)', () => {
  it('passes a step in the first minutes then flat (node-1 of the run on 73f904b, flat after)', () => {
    const floors = [112.7, 144.5, 147.7, 149.3, 149.9, 150.1, ...Array<number>(14).fill(150.2)];
    const v = soakVerdict(floors);
    expect(v.pass).toBe(true);
    expect(v.mbPerHour).toBeLessThan(1); // a least-squares line through them: 39 MB/h
  });

  it('fails a slow linear climb of 10 % per hour, however long the run, also behind a warm-up step', () => {
    for (const minutes of [MIN_MINUTES, 30, 120]) {
      const v = soakVerdict(climb(minutes, 150, 10));
      // 15 MB/h; in % of the floors' median, which has grown by then (8.7 % of 172 MB at 2 h).
      expect(v.mbPerHour).toBeCloseTo(15, 5);
      expect([minutes, v.pass, v.pctPerHour! > 8 && v.pctPerHour! <= 10]).toEqual([minutes, false, true]);
    }
    expect(soakVerdict([100, 140, ...climb(18, 150, 10)]).pass).toBe(false);
    expect(soakVerdict(climb(20, 150, 3)).pass).toBe(true);
    expect(soakVerdict(climb(20, 150, 3), { maxPctPerHour: 2 }).pass).toBe(false);
  });

  it('passes the 30-minute run: flat floors, and an RSS floor that dipped when memory went back and refilled', () => {
    for (const [name, floors] of Object.entries(RUN)) {
      const v = soakVerdict(floors);
      expect([name, v.pass]).toEqual([name, true]);
      expect(Math.abs(v.pctPerHour!)).toBeLessThan(5);
    }
  });

  it('passes noise around a flat floor, and gives no verdict on a run too short to tell', () => {
    const noisy = Array.from({ length: 20 }, (_, m) => 150 + (m % 3 === 0 ? 2 : -1));
    expect(soakVerdict(noisy).pass).toBe(true);
    expect(soakVerdict(Array<number>(MIN_MINUTES - 1).fill(150))).toEqual({
      pass: false,
      why: `${MIN_MINUTES - 1} minutes after the warm-up; at least ${MIN_MINUTES} are needed to tell a slope from the noise`,
    });
  });
});
