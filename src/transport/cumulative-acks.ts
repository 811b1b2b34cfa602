import { CUMULATIVE_ACK_LIMITS, type CumulativeAck, cursorSeq, type ErrorCode } from '@orderwire/contracts';
import { type OwedMessage, RUNTIME } from '../session/session.js';
import type { HubSocket } from './hub-server.js';

/**
 * Protocol 1.1's cumulative acknowledgements (docs/protocol.md 16), on the socket side: a granted
 * socket gets its durable messages without Socket.IO ack ids, each remembered here (its cursor,
 * and what its ack callback would have called) until an `ack` event covers it. Public Socket.IO
 * API only: no ack callback is registered for these sockets at all.
 */

/** How many unacknowledged messages a granted socket is remembered for (the oldest goes first). */
export const OWED_MAX = 4096;

/** Keys for messages written without a packet id (a replay): below every packet id. */
let replayKey = -1;

/** Granted sockets per namespace, so that a namespace without any pays nothing. */
const granted = new WeakMap<object, number>();

export function isCumulative(socket: HubSocket): boolean {
  return socket.data.session?.acks === 'cumulative';
}

/** Counts a granted socket in its namespace until it disconnects. */
export function track(socket: HubSocket): void {
  if (!isCumulative(socket)) return;
  granted.set(socket.nsp, (granted.get(socket.nsp) ?? 0) + 1);
  socket.once('disconnect', () => granted.set(socket.nsp, (granted.get(socket.nsp) ?? 1) - 1));
}

export function anyGranted(nsp: object): boolean {
  return (granted.get(nsp) ?? 0) > 0;
}

/**
 * What a write of the message in `args` (`[type, envelope]`) as packet `packetId` (undefined: a
 * replay) leaves owed, one object for every granted socket it goes to; `acked` is what the
 * Socket.IO ack callback would have called. Undefined for a message without a cursor.
 */
export function owedMessage(
  args: unknown[],
  packetId: number | undefined,
  acked: OwedMessage['acked'],
): OwedMessage | undefined {
  const cursor = (args[1] as { cursor?: unknown } | undefined)?.cursor;
  const seq = typeof cursor === 'string' ? cursorSeq(cursor) : undefined;
  return seq === undefined ? undefined : { seq, cursor: cursor as string, packetId, acked };
}

/** Remembers that `socket` owes an ack for `message` (the oldest forgotten past OWED_MAX). */
export function owe(socket: HubSocket, message: OwedMessage): void {
  const runtime = socket.data.session[RUNTIME];
  const owed = (runtime.owed ??= new Map<number, OwedMessage>());
  owed.set(message.packetId ?? replayKey--, message);
  if (owed.size > OWED_MAX) owed.delete(owed.keys().next().value as number);
}

/** The socket's owed messages by packet id, oldest first (undefined for a socket of protocol 1). */
export function owedOf(socket: HubSocket): Map<number, OwedMessage> | undefined {
  return isCumulative(socket) ? (socket.data.session[RUNTIME].owed ??= new Map()) : undefined;
}

/** Why an `ack` was refused: a protocol code and words for the client. */
export interface AckRefusal {
  code: ErrorCode;
  message: string;
}

const isCursor = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= CUMULATIVE_ACK_LIMITS.cursorLength;

/** The `ack` event's data, checked (a plain object with `cursor` and at most `gaps`), or why not. */
export function readAck(data: unknown): { seq: number; gaps?: ReadonlySet<string> } | string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'an ack is { cursor, gaps? }';
  const proto = Object.getPrototypeOf(data) as unknown;
  if (proto !== Object.prototype && proto !== null) return 'an ack is a plain object';
  const { cursor, gaps, ...rest } = data as Partial<CumulativeAck> & Record<string, unknown>;
  if (Object.keys(rest).length > 0) return `an ack has only cursor and gaps, not ${Object.keys(rest)[0]}`;
  const seq = isCursor(cursor) ? cursorSeq(cursor) : undefined;
  if (seq === undefined) return 'cursor must be a cursor the hub sent';
  if (gaps === undefined) return { seq };
  if (!Array.isArray(gaps) || gaps.length > CUMULATIVE_ACK_LIMITS.gaps || !gaps.every(isCursor)) {
    return `gaps must be at most ${CUMULATIVE_ACK_LIMITS.gaps} cursors`;
  }
  return { seq, gaps: new Set(gaps) };
}

/**
 * An `ack` event from `socket`: every owed message at or below its cursor, except its gaps, is
 * acknowledged. Returns a refusal to tell the client (the excess of a flood is ignored silently
 * after the first refusal of each second).
 */
export function onCumulativeAck(socket: HubSocket, data: unknown, now = Date.now()): AckRefusal | undefined {
  const session = socket.data.session;
  if (!session) return undefined;
  const runtime = session[RUNTIME];
  const events = (runtime.ackEvents ??= { count: 0, since: now, warned: false });
  if (now - events.since >= 1000) Object.assign(events, { count: 0, since: now, warned: false });
  if (++events.count > CUMULATIVE_ACK_LIMITS.perSecond) {
    if (events.warned) return undefined;
    events.warned = true;
    return {
      code: 'RATE_LIMITED',
      message: `more than ${CUMULATIVE_ACK_LIMITS.perSecond} ack events in a second; the rest are ignored`,
    };
  }
  if (session.acks !== 'cumulative') {
    return { code: 'VALIDATION_FAILED', message: 'this session acknowledges each message (auth.acks)' };
  }
  const ack = readAck(data);
  if (typeof ack === 'string') return { code: 'VALIDATION_FAILED', message: ack };
  const owed = runtime.owed;
  if (!owed) return undefined;
  for (const [key, message] of owed) {
    if (message.seq > ack.seq || ack.gaps?.has(message.cursor)) continue;
    owed.delete(key);
    message.acked(socket, message.packetId);
  }
  return undefined;
}
