import type { IncomingMessage } from 'node:http';
import { KeyedBuckets } from '../util/token-bucket.js';

/** What an engine.io connection exposes here: its first request, and close. */
interface RawConn {
  request: IncomingMessage;
  once(event: 'close', listener: () => void): unknown;
  /** `discard`: drop the transport now (a polling transport would otherwise wait for a poll). */
  close(discard?: boolean): unknown;
}

/**
 * Engine.io sessions before they join a namespace (before any token is checked), per client
 * address: their rate (the handshake bucket) and how many may be open at once. Without this, one
 * address could open thousands of raw sessions and hold each for the connect timeout. A session
 * stops counting when it joins a namespace (the namespace middleware accepted its token) or
 * closes.
 */
export class RawSessions {
  private readonly open = new Map<string, number>();
  private readonly counted = new WeakSet<RawConn>();
  private readonly rate: KeyedBuckets;

  constructor(
    private readonly maxPerIp: number,
    perSecond: number,
    private readonly timeoutMs: number,
    private readonly ipOf: (req: IncomingMessage) => string,
  ) {
    this.rate = new KeyedBuckets(perSecond, perSecond);
  }

  /** For engine.io's `allowRequest` (new sessions only): undefined to admit, else the reason. */
  refusal(req: IncomingMessage): string | undefined {
    const ip = this.ipOf(req);
    if ((this.open.get(ip) ?? 0) >= this.maxPerIp) return 'too many sessions from this address';
    if (this.rate.take(ip) > 0) return 'too many handshakes from this address';
    return undefined;
  }

  /**
   * A new engine.io connection: counts until it joins a namespace or closes. Still unjoined after
   * `timeoutMs`, it is closed at once, transport discarded (Socket.IO's own connect timeout closes
   * a polling session only at its next poll, or 30 s later).
   */
  opened(conn: RawConn): void {
    const ip = this.ipOf(conn.request);
    this.open.set(ip, (this.open.get(ip) ?? 0) + 1);
    this.counted.add(conn);
    const timer = setTimeout(() => {
      if (!this.counted.has(conn)) return;
      // Socket.IO's own timer may have begun a polite close already; either way it stops counting.
      this.release(conn);
      conn.close(true);
    }, this.timeoutMs);
    timer.unref();
    conn.once('close', () => {
      clearTimeout(timer);
      this.release(conn);
    });
  }

  /** It joined a namespace: an authenticated session, counted by the session caps from now on. */
  joined(conn: RawConn): void {
    this.release(conn);
  }

  private release(conn: RawConn): void {
    if (!this.counted.delete(conn)) return;
    const ip = this.ipOf(conn.request);
    const n = (this.open.get(ip) ?? 1) - 1;
    if (n <= 0) this.open.delete(ip);
    else this.open.set(ip, n);
  }
}

/**
 * A later request of an engine.io session (one that names its `sid`): the sid and the transport
 * it asks for, read from the URL (public), not engine.io's parsed `req._query`. Undefined for a
 * first request (most polling requests aside, the common case: no `sid=` in it at all).
 */
export function laterRequestOf(
  url: string | undefined,
): { sid: string; transport: string | null } | undefined {
  if (!url?.includes('sid=')) return undefined;
  const query = new URL(url, 'http://hub.invalid').searchParams;
  const sid = query.get('sid');
  return sid ? { sid, transport: query.get('transport') } : undefined;
}

/** The client's address: the first X-Forwarded-For hop behind a trusted proxy, else the peer. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = req.headers['x-forwarded-for'];
    const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket?.remoteAddress ?? 'unknown';
}
