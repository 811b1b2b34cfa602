import { randomBytes } from 'node:crypto';

/** Random bytes for epoch candidates, drawn 4 KiB at a time (see epochCandidate). */
const EPOCH_POOL = 4096;
let epochPool = Buffer.alloc(0);
let epochPoolAt = 0;

/**
 * A fresh epoch for APPEND to set if Redis has none (it was flushed or restarted empty): 6 random
 * bytes, base64url. Every append carries one, and one randomBytes call each showed as 2.7 % of
 * a node's CPU on the durable path; a pooled draw costs a slice.
 */
export function epochCandidate(): string {
  if (epochPoolAt + 6 > epochPool.length) {
    epochPool = randomBytes(EPOCH_POOL);
    epochPoolAt = 0;
  }
  const out = epochPool.toString('base64url', epochPoolAt, epochPoolAt + 6);
  epochPoolAt += 6;
  return out;
}
