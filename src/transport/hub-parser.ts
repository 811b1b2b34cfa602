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

/** The parser of the hub's Socket.IO server: socket.io-parser's decoder, HubEncoder. */
export const hubParser = { Encoder: HubEncoder, Decoder };
