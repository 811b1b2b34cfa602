import { describe, expect, it } from '@jest/globals';
import {
  ETA_HALF_LIFE_MS,
  learnedByKey,
  learnedMinutes,
  prepMinutesOf,
  type PrepSample,
  slotsOf,
  wavesOf,
  WHOLE_KITCHEN,
} from './eta-model.js';

const now = Date.parse('2026-03-10T20:00:00Z');
const samples = (minutes: number[], key = WHOLE_KITCHEN, age = 0): PrepSample[] =>
  minutes.map((m, i) => ({ key, minutes: m, at: now - age - i * 1000 }));

describe('the ETA model', () => {
  it('learns nothing from fewer than 5 samples', () => {
    expect(learnedMinutes(samples([10, 10, 10, 10]), WHOLE_KITCHEN, now)).toBeUndefined();
    expect(learnedMinutes(samples([10, 10, 10, 10, 10]), WHOLE_KITCHEN, now)).toBe(10);
  });

  it('takes the 0.75 quantile: three orders in four are ready by then', () => {
    expect(learnedMinutes(samples([8, 9, 10, 11, 12, 13, 14, 15]), WHOLE_KITCHEN, now)).toBe(13);
  });

  it('weighs recent samples more: an old slow evening does not hold tonight back', () => {
    const old = samples(Array(40).fill(30), WHOLE_KITCHEN, 10 * ETA_HALF_LIFE_MS);
    const tonight = samples(Array(10).fill(12));
    expect(learnedMinutes([...old, ...tonight], WHOLE_KITCHEN, now)).toBe(12);
    // Without the decay the old samples would win (40 of 50).
    expect(learnedMinutes([...samples(Array(40).fill(30)), ...tonight], WHOLE_KITCHEN, now)).toBe(30);
  });

  it('reads only the newest 50 samples of a key', () => {
    const newest = samples(Array(50).fill(7));
    const older = samples(Array(50).fill(40), WHOLE_KITCHEN, 60_000);
    expect(learnedMinutes([...older, ...newest], WHOLE_KITCHEN, now)).toBe(7);
  });

  it('waves: a kitchen of n people works on 3n orders at once', () => {
    expect([slotsOf(0), slotsOf(1), slotsOf(2)]).toEqual([3, 3, 6]);
    expect([0, 2, 3, 5, 6, 11].map((ahead) => wavesOf(ahead, 3))).toEqual([1, 1, 2, 2, 3, 4]);
  });

  it("an order's prep time is its slowest learned station's, else the kitchen's, else the setting", () => {
    const learned = learnedByKey(
      [
        ...samples(Array(5).fill(6), 'bar'),
        ...samples(Array(5).fill(14), 'grill'),
        ...samples(Array(5).fill(10)),
      ],
      now,
    );
    expect(prepMinutesOf(['bar', 'grill'], learned, 20)).toBe(14);
    expect(prepMinutesOf(['bar'], learned, 20)).toBe(6);
    expect(prepMinutesOf(['fry'], learned, 20)).toBe(10);
    expect(prepMinutesOf([], new Map(), 20)).toBe(20);
  });
});
