import { createRequire } from 'node:module';
import type * as Parser from 'socket.io-parser';
import type { Packet } from 'socket.io-parser';

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
 * socket.io-parser's encoder, except that an event's arguments are serialised once: a durable
 * message goes to several namespaces (the order's customer, the crew, the admins) and again on
 * every retry, each time as its own packet with its own namespace and ack id but the same
 * arguments array. The wire format is exactly socket.io-parser's; packets with binary
 * attachments are left to it entirely.
 */
export class HubEncoder extends Encoder {
  override encode(packet: Packet): ReturnType<Parser.Encoder['encode']> {
    if (packet.type !== PacketType.EVENT || !Array.isArray(packet.data)) return super.encode(packet);
    const args = packet.data as Args;
    const body = args[BODY];
    if (body !== undefined) return [prefixOf(packet) + body];
    const encoded = super.encode(packet);
    if (encoded.length === 1 && typeof encoded[0] === 'string') {
      const prefix = prefixOf(packet);
      if ((encoded[0] as string).startsWith(prefix)) args[BODY] = (encoded[0] as string).slice(prefix.length);
    }
    return encoded;
  }
}

/** The parser of the hub's Socket.IO server: socket.io-parser's decoder, HubEncoder. */
export const hubParser = { Encoder: HubEncoder, Decoder };
