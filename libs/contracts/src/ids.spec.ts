import { describe, expect, it } from '@jest/globals';
import { newUlid } from './ids.js';

describe('newUlid', () => {
  it('is 26 Crockford base32 characters, with the time in front', () => {
    const id = newUlid(Date.UTC(2026, 10, 21));
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(newUlid(Date.UTC(2027, 0, 1)).slice(0, 10) > id.slice(0, 10)).toBe(true);
  });

  it('sorts in creation order within one millisecond, and never repeats', () => {
    const ids = Array.from({ length: 10_000 }, () => newUlid(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stays monotonic when the clock steps back', () => {
    const a = newUlid(1_900_000_000_000);
    const b = newUlid(1_899_999_999_000);
    expect(b > a).toBe(true);
  });
});
