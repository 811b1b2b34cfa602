import { createRequire } from 'node:module';
import type * as Parser from 'socket.io-parser';
import type { Packet } from 'socket.io-parser';
import { keptJson } from '../util/encoded-json.js';

// The CommonJS build, which socket.io itself loads: an ESM import would get the package's
// `esm-debug` build (debug logging on every packet) as a second copy.
const { Decoder, Encoder, PacketType } = createRequire(import.meta.url)('socket.io-parser') as typeof Parser;

/** The JSON of an event's arguments, kept on the arguments array once it has been encoded. */
const BODY = Symbol('orderwire.encodedBody');
type Args = unknown[] & { [BODY]?: string };

/** What socket.io-parser writes before the JSON of an event: type, namespace, ack id. */
function prefixOf(packet: Packet): string {
  let prefix = `${packet.type}`;
  if (packet.nsp && packet.nsp !== '/') prefix += `${packet.nsp},`;
  if (packet.id !== undefined && packet.id !== null) prefix += `${packet.id}`;
  return prefix;
}

/**
 * socket.io-parser's encoder, with the same wire format, doing less per packet:
 *
 * - An event's arguments are serialised once: a durable message goes to several namespaces (the
 *   order's customer, the crew, the admins) and again on every retry, each time as its own packet
 *   with its own namespace and ack id but the same arguments array. An envelope whose JSON the
 *   message store already made (util/encoded-json.ts) is not serialised again at all.
 * - Events and acks are not searched for binary values (socket.io-parser walks every argument,
 *   5 % of a node's CPU on `order.place`): the hub sends JSON only. Every input that a message or
 *   a reply is made from is refused with VALIDATION_FAILED when it carries a binary value (the
 *   payload shape check of commands, HTTP publish and the Broadcaster: docs/protocol.md), and the
 *   redis engine's log and cluster bus carry JSON. A binary value would be written as its JSON.
 *
 * Every other packet (connect, disconnect, errors) is socket.io-parser's.
 */
export class HubEncoder extends Encoder {
  override encode(packet: Packet): ReturnType<Parser.Encoder['encode']> {
    const { type, data } = packet;
    if ((type !== PacketType.EVENT && type !== PacketType.ACK) || !Array.isArray(data)) {
      return super.encode(packet);
    }
    if (type === PacketType.ACK) return [prefixOf(packet) + JSON.stringify(data)];
    const args = data as Args;
    let body = args[BODY];
    if (body === undefined) {
      const kept = args.length === 2 && typeof args[0] === 'string' ? keptJson(args[1]) : undefined;
      body = kept !== undefined ? `[${JSON.stringify(args[0])},${kept}]` : JSON.stringify(args);
      args[BODY] = body;
    }
    return [prefixOf(packet) + body];
  }
}

/** Character codes the ack scan reads. */
const ACK_TYPE = 0x33; // '3'
const SLASH = 0x2f;
const COMMA = 0x2c;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** Longer ack ids are left to socket.io-parser (2^53 has 16 digits). */
const MAX_ID_DIGITS = 15;

/**
 * An acknowledgement as socket.io-parser decodes it — type, namespace, id and an array payload —
 * or undefined when `str` is anything else, or an ack in any shape but the plain one, which then
 * goes to socket.io-parser unchanged (and is refused by it where it refuses it).
 */
export function decodeAck(str: string): Packet | undefined {
  if (str.charCodeAt(0) !== ACK_TYPE) return undefined;
  let i = 1;
  let nsp = '/';
  if (str.charCodeAt(1) === SLASH) {
    const comma = str.indexOf(',', 2);
    if (comma < 0) return undefined;
    nsp = str.substring(1, comma);
    i = comma + 1;
  }
  const idStart = i;
  let id = 0;
  for (let c = str.charCodeAt(i); c >= DIGIT_0 && c <= DIGIT_9; c = str.charCodeAt(++i)) {
    id = id * 10 + (c - DIGIT_0);
  }
  if (i === idStart || i - idStart > MAX_ID_DIGITS || str.charCodeAt(i) === COMMA) return undefined;
  const body = str.substring(i);
  let data: unknown;
  if (body === '[]') data = [];
  else {
    try {
      data = JSON.parse(body);
    } catch {
      return undefined;
    }
    if (!Array.isArray(data)) return undefined;
  }
  return { type: PacketType.ACK, nsp, id, data };
}

/**
 * socket.io-parser's decoder, reading acknowledgements itself: every durable delivery is acked
 * by its recipient, so acks are most of what a node receives, and socket.io-parser scans each
 * character by character and parses its `[]` as JSON (3.5 % of a node's CPU at room=10). The
 * packet decoded is the one socket.io-parser would make (property test); anything else,
 * including an ack in an unusual shape, is socket.io-parser's.
 */
export class HubDecoder extends Decoder {
  override add(obj: unknown): void {
    if (typeof obj === 'string' && !(this as unknown as { reconstructor?: unknown }).reconstructor) {
      const ack = decodeAck(obj);
      if (ack) {
        this.emitReserved('decoded', ack);
        return;
      }
    }
    super.add(obj);
  }
}

/**
 * The parser of the hub's Socket.IO server: HubEncoder, and HubDecoder where the `ack-decoder`
 * patch is in use (transport/patches.ts), else socket.io-parser's own decoder.
 */
export function hubParser(ackDecoder: boolean): { Encoder: typeof HubEncoder; Decoder: typeof Decoder } {
  return { Encoder: HubEncoder, Decoder: ackDecoder ? HubDecoder : Decoder };
}
