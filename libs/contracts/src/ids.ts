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
  return formatUlid(now, lastRandom);
}

/**
 * A ULID from its parts: `time` in epoch ms (10 characters) and 16 random values, each used
 * modulo 32 (one character each). For ids that must be the same wherever they are made.
 */
export function formatUlid(time: number, random: ArrayLike<number>): string {
  let out = '';
  let t = time;
  for (let i = 9; i >= 0; i--) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  for (let i = 0; i < 16; i++) out += ALPHABET[random[i] & 31];
  return out;
}
