/**
 * The exact versions the transport's patches were written and tested against. The hub reaches
 * into these packages' internals (engine.io's connection flush and write buffer, the `ws` socket
 * under its WebSocket transport, socket.io-parser's encoder, decoder (its `reconstructor`) and
 * packet format, the adapter's packet ids and acks, Nest's IoAdapter message binding), so each is
 * pinned in package.json (ws through `overrides`, since it is engine.io's own copy), and
 * pins.spec.ts fails when what is installed differs: an upgrade then starts by reading what
 * changed in them and rerunning the patches' unit tests.
 */
export const TRANSPORT_PINS = {
  /** Its IoAdapter's message binding is replaced (hub-io.adapter.ts, hub-io.adapter.spec.ts). */
  '@nestjs/platform-socket.io': '12.1.1',
  'socket.io': '4.8.3',
  'engine.io': '6.6.12',
  'socket.io-adapter': '2.5.8',
  'socket.io-parser': '4.2.7',
  /** engine.io's WebSocket transport's `ws` (its own nested copy, not the top-level one). */
  ws: '8.21.3',
} as const;
