/** A token bucket in two numbers: `rate` tokens a second, at most `burst`. */
export interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Takes one token if there is one. Returns 0 when taken, otherwise the milliseconds until a
 * token will be there.
 */
export function take(bucket: Bucket, rate: number, burst: number, now: number): number {
  const refill = ((now - bucket.at) * rate) / 1000;
  bucket.tokens = Math.min(burst, bucket.tokens + refill);
  bucket.at = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return Math.ceil(((1 - bucket.tokens) * 1000) / rate);
}

/** Buckets by key (an IP, say), with idle ones swept out so the map cannot grow without bound. */
export class KeyedBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {}

  take(key: string, now = Date.now()): number {
    if (now - this.lastSweep > 10_000) this.sweep(now);
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { tokens: this.burst, at: now }));
    return take(b, this.rate, this.burst, now);
  }

  /** Whole tokens left for `key` (after the last take). */
  remaining(key: string): number {
    return Math.floor(this.buckets.get(key)?.tokens ?? this.burst);
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    const full = (this.burst * 1000) / this.rate;
    for (const [key, b] of this.buckets) if (now - b.at > full) this.buckets.delete(key);
  }
}
