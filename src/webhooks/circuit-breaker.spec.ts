import { describe, expect, it } from '@jest/globals';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  const make = () => {
    let t = 1_000_000;
    const clock = { advance: (ms: number) => (t += ms) };
    return { breaker: new CircuitBreaker(3, 30_000, () => t), clock };
  };

  it('opens after N consecutive failures; a success in between starts the count again', () => {
    const { breaker } = make();
    breaker.failed();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    expect([breaker.state, breaker.admit()]).toEqual(['closed', true]);
    breaker.failed();
    expect([breaker.state, breaker.admit(), breaker.retryAfterMs()]).toEqual(['open', false, 30_000]);
  });

  it('after the cool-down lets exactly one call through; its success closes, its failure reopens', () => {
    const { breaker, clock } = make();
    for (let i = 0; i < 3; i++) breaker.failed();
    clock.advance(29_999);
    expect([breaker.admit(), breaker.retryAfterMs()]).toEqual([false, 1]);
    clock.advance(1);
    expect(breaker.state).toBe('half-open');
    expect([breaker.admit(), breaker.admit(), breaker.admit()]).toEqual([true, false, false]);
    breaker.failed(); // the trial failed: open again for a whole cool-down
    expect([breaker.state, breaker.retryAfterMs()]).toEqual(['open', 30_000]);
    clock.advance(30_000);
    expect(breaker.admit()).toBe(true);
    breaker.succeeded();
    expect([breaker.state, breaker.admit(), breaker.admit()]).toEqual(['closed', true, true]);
  });
});
