/**
 * Message, session and order ids: ULIDs (time-sortable, 26 Crockford base32 characters),
 * monotonic within a millisecond. Randomness is drawn from a pooled buffer, because one
 * `getRandomValues` call per character (as the `ulid` package does) showed up as 14 % of the
 * hub's CPU when fanning out durable messages.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const POOL = new Uint8Array(4096);
let poolAt = POOL.length;
let lastTime = -1;
const lastRandom = new Uint8Array(16);

function fillRandom(target: Uint8Array): void {
  for (let i = 0; i < target.length; i++) {
    if (poolAt === POOL.length) {
      globalThis.crypto.getRandomValues(POOL);
      poolAt = 0;
    }
    target[i] = POOL[poolAt++] & 31;
  }
}

/** A new ULID; ids made in the same millisecond sort in the order they were made. */
export function newUlid(now: number = Date.now()): string {
  if (now <= lastTime) {
    // Same millisecond (or a clock step back): increment the random part, base 32.
    let i = 15;
    while (i >= 0 && lastRandom[i] === 31) lastRandom[i--] = 0;
    if (i >= 0) lastRandom[i]++;
    now = lastTime;
  } else {
    lastTime = now;
    fillRandom(lastRandom);
  }
  let out = '';
  let t = now;
  for (let i = 9; i >= 0; i--) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  for (let i = 0; i < 16; i++) out += ALPHABET[lastRandom[i]];
  return out;
}
