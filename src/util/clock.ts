/** The time, as the rules that depend on it read it; tests inject their own (never sleep). */
export interface Clock {
  now(): number;
}

export const CLOCK = Symbol('clock');

export const systemClock: Clock = { now: () => Date.now() };
