/**
 * The transport libraries whose internals src/transport/patches.ts may reach into, or whose
 * behaviour the hub wraps (the streams adapter's connections, Nest's IoAdapter message binding).
 * They are taken in caret ranges like every other dependency, so a security update installs
 * without waiting for anyone: each patch checks at boot that what it patches is there and falls
 * back to public API if not, and .ci/run runs the transport and delivery suites (`npm run
 * test:transport`) with every patch off and against the newest published version of each
 * (scripts/transport-newest.sh, which takes this list).
 */
export const TRANSPORT_PACKAGES = [
  '@nestjs/platform-socket.io',
  'socket.io',
  'engine.io',
  'socket.io-adapter',
  'socket.io-parser',
  'ws',
  '@socket.io/redis-streams-adapter',
] as const;
export type TransportPackage = (typeof TRANSPORT_PACKAGES)[number];
