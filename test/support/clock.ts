import { Global, Module, type Type } from '@nestjs/common';
import { CLOCK, type Clock } from '../../src/util/clock.js';

/** The hub's clock (CLOCK), moved by the test: time-based rules are tested without sleeping. */
export class MovableClock implements Clock {
  offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Reads `t` (ms) now, and runs on from there. */
  set(t: number): void {
    this.offsetMs = t - Date.now();
  }
}

/** A module to pass in createHub's `imports` (startHub's options) so that the hub reads `clock`. */
export function clockModule(clock: Clock): Type {
  @Global()
  @Module({ providers: [{ provide: CLOCK, useValue: clock }], exports: [CLOCK] })
  class TestClock {}
  return TestClock;
}
