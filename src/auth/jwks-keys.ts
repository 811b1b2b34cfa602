import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Clock } from '../util/clock.js';
import type { HubLogger } from '../util/logging.js';

/** How often the set is fetched again while every key is known. */
export const JWKS_REFRESH_MS = 10 * 60_000;
/** An unknown `kid` fetches the set again at most this often (a flood of made-up kids costs nothing). */
export const JWKS_MIN_REFETCH_MS = 30_000;
/** A fetch that takes longer is abandoned; a set larger, or with more keys, is refused. */
const FETCH_TIMEOUT_MS = 5000;
const MAX_BYTES = 256 * 1024;
const MAX_KEYS = 100;

type Jwk = JsonWebKey & { kid?: unknown; alg?: unknown; use?: unknown; kty?: unknown };

/**
 * An identity provider's JSON Web Key Set (`JWT_JWKS_URL`), by `kid`: fetched at start, again
 * every 10 minutes, and when a token names a key not in it (at most once per 30 s, so a rotation
 * is picked up by the first token signed with the new key). Only keys for the pinned algorithm
 * (RSA for RS256, P-256 for ES256) and for signatures are kept; a fetch that fails, is too large or
 * malformed keeps the keys already known.
 */
export class JwksKeys {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private inFlight?: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly algorithm: 'RS256' | 'ES256',
    private readonly clock: Clock,
    private readonly logger: Pick<HubLogger, 'info' | 'warn'>,
  ) {}

  /** The key `kid` names, fetching the set again when it is unknown or old; undefined if none. */
  async key(kid: string): Promise<KeyObject | undefined> {
    const age = this.clock.now() - this.fetchedAt;
    const known = this.keys.get(kid);
    if (known) {
      // An old set is fetched again in the background: the token in hand is not held up.
      if (age >= JWKS_REFRESH_MS) void this.refresh();
      return known;
    }
    if (age >= JWKS_MIN_REFETCH_MS) await this.refresh();
    return this.keys.get(kid);
  }

  /** Fetches the set (callers at the same time share one fetch). */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetchSet().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  get size(): number {
    return this.keys.size;
  }

  private async fetchSet(): Promise<void> {
    this.fetchedAt = this.clock.now();
    try {
      const res = await fetch(this.url, {
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
        headers: { accept: 'application/json' },
        redirect: 'error',
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      if (Number(res.headers.get('content-length') ?? 0) > MAX_BYTES)
        throw new Error('the key set is too large');
      const text = await res.text();
      if (text.length > MAX_BYTES) throw new Error('the key set is too large');
      const keys = this.parse(JSON.parse(text) as unknown);
      this.keys = keys;
      this.logger.info({ keys: [...keys.keys()] }, 'signing keys fetched from JWT_JWKS_URL');
    } catch (err) {
      this.logger.warn(
        { err, keys: this.keys.size },
        'the key set at JWT_JWKS_URL could not be read; the keys known so far stay in use',
      );
    }
  }

  private parse(body: unknown): Map<string, KeyObject> {
    const list = (body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(list)) throw new Error('not a key set: no "keys" list');
    if (list.length > MAX_KEYS) throw new Error(`more than ${MAX_KEYS} keys`);
    const kty = this.algorithm === 'RS256' ? 'RSA' : 'EC';
    const keys = new Map<string, KeyObject>();
    for (const jwk of list as Jwk[]) {
      if (typeof jwk !== 'object' || jwk === null || typeof jwk.kid !== 'string' || jwk.kid.length > 256)
        continue;
      if (jwk.kty !== kty || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      if (jwk.alg !== undefined && jwk.alg !== this.algorithm) continue;
      if (kty === 'EC' && jwk.crv !== 'P-256') continue;
      // Only the public members: a set that carries private ones still yields a public key.
      const { kty: t, n, e, crv, x, y } = jwk;
      try {
        keys.set(jwk.kid, createPublicKey({ key: { kty: t, n, e, crv, x, y } as JsonWebKey, format: 'jwk' }));
      } catch {
        // a malformed key is skipped; the others stand
      }
    }
    if (keys.size === 0) throw new Error(`no ${this.algorithm} signing key in it`);
    return keys;
  }
}
