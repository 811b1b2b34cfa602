import { describe, expect, it } from '@jest/globals';
import { epochCandidate } from './epoch-candidate.js';

describe('epochCandidate', () => {
  it('gives 6 random bytes as 8 base64url characters, fresh across pool refills', () => {
    // 2,000 draws span three 4 KiB pools; a reused or zeroed slice would repeat.
    const seen = new Set(Array.from({ length: 2000 }, () => epochCandidate()));
    expect(seen.size).toBe(2000);
    for (const epoch of seen) expect(epoch).toMatch(/^[A-Za-z0-9_-]{8}$/);
  });
});
