/**
 * Secrets a production hub must refuse: every secret, placeholder or example value this repository
 * ships (deploy files, compose, `.env.example`, README, docs, scripts, tests, bench, chaos), and
 * values of obviously low entropy. `test/known-secrets.spec.ts` reads those files and fails when a
 * value they assign to a secret setting would be accepted here, so a new placeholder cannot slip in.
 */

/** Shipped values that no heuristic below would catch: one list. */
export const SHIPPED_SECRETS: readonly string[] = [
  // src/config/load-config.ts, scripts/mint-token.mjs: the built-in development secret
  'orderwire-development-secret-do-not-use',
  // test/support/tokens.ts and the test fixtures
  'orderwire-test-secret-0123456789',
  'orderwire-probe-secret-0123456789',
  'a-production-secret-of-32-chars!',
  'a-real-secret-0123456789',
  'a-webhook-secret-of-at-least-32-chars',
  // bench/ and chaos/
  'orderwire-bench-secret-0123456789',
  'chaos-metrics-token-0123456789',
  // deploy/k8s/secret.yaml, compose.yaml, README
  'replace-with-at-least-32-random-characters',
  'replace-with-a-random-metrics-token',
  'change-me-to-32-random-characters',
  'change-me-metrics-token',
];

/** Words that mark a placeholder, whatever surrounds them. */
const PLACEHOLDER_WORDS = [
  'replace-with',
  'replace_with',
  'replaceme',
  'change-me',
  'change_me',
  'changeme',
  'placeholder',
  'example',
  'do-not-use',
  'your-secret',
  'your_secret',
  'secret-here',
  'insecure',
  'at-least-',
];

/** Estimated bits: the string's own character distribution (Shannon) times its length. */
function estimatedBits(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...value].length;
  let h = 0;
  for (const c of counts.values()) h -= (c / n) * Math.log2(c / n);
  return h * n;
}

/** The shortest unit the value repeats (`abcabcabc` → 3), or its length. */
function period(value: string): number {
  for (let p = 1; p <= value.length / 2; p++) {
    if (value.length % p === 0 && value.slice(0, p).repeat(value.length / p) === value) return p;
  }
  return value.length;
}

/** Runs like `0123456789`, `abcdefgh`, `987654` of at least `min` characters. */
function longestRun(value: string): number {
  let best = 1;
  let up = 1;
  let down = 1;
  for (let i = 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1);
    up = d === 1 ? up + 1 : 1;
    down = d === -1 ? down + 1 : 1;
    best = Math.max(best, up, down);
  }
  return best;
}

/** The least estimated entropy a secret needs: 64 bits (16 random base64 characters give ~90). */
export const MIN_SECRET_BITS = 64;

/**
 * Why `value` is not a secret a production hub may run with, or undefined when it may. Refused:
 * a shipped value (case-insensitive), a placeholder word, fewer than 10 distinct characters, a
 * repeated unit, a run of 8 or more consecutive characters (`12345678`), or under 64 estimated bits.
 */
export function secretWeakness(value: string): string | undefined {
  const lower = value.toLowerCase();
  if (SHIPPED_SECRETS.some((s) => s.toLowerCase() === lower)) {
    return 'a value this repository ships (an example, a placeholder or a test secret) that anyone can read';
  }
  const word = PLACEHOLDER_WORDS.find((w) => lower.includes(w));
  if (word) return `a placeholder ("${word}")`;
  if (new Set(value).size < 10) return 'too few distinct characters';
  if (period(value) < value.length) return 'a repeated pattern';
  if (longestRun(lower) >= 8) return 'a run of consecutive characters';
  if (estimatedBits(value) < MIN_SECRET_BITS) return `under ${MIN_SECRET_BITS} bits of estimated entropy`;
  return undefined;
}

/**
 * The same for a key given as bytes (DATA_ENCRYPTION_KEY): shipped base64 text, or bytes with too
 * little variety (all zeros, a repeated byte, a short unit repeated).
 */
export function keyWeakness(base64: string, key: Buffer): string | undefined {
  const lower = base64.toLowerCase();
  if (SHIPPED_SECRETS.some((s) => s.toLowerCase() === lower)) {
    return 'a value this repository ships that anyone can read';
  }
  if (new Set(key).size < 16) return 'too few distinct bytes (32 random bytes have about 28)';
  const hex = key.toString('hex');
  if (period(hex) < hex.length) return 'a repeated pattern';
  return undefined;
}
