import { createRequire } from 'node:module';
import type * as Parser from 'socket.io-parser';
import { TRANSPORT_PATCH_NAMES, type PatchName } from '../config/transport-patches.js';

export type { PatchName } from '../config/transport-patches.js';

/**
 * Every place the hub reaches into a transport library's internals, in one list. Each patch is
 * used only when TRANSPORT_PATCHES allows it (`auto`: all) and its feature check passes against
 * the copy of the library the hub actually loads; otherwise the hub runs the public-API form
 * written beside it. test/transport-fallback runs the transport and delivery suites with
 * TRANSPORT_PATCHES=off, and .ci/run runs them against the newest published versions of these
 * libraries, so an update (a CVE in ws) is taken first and the patch is re-checked after.
 */
export const PATCHES: Record<PatchName, { replaces: string; fallback: string }> = {
  'frame-batching': {
    replaces:
      "engine.io's per-connection flush (once per event-loop turn) and ws's TCP socket (`_socket`, corked per batch)",
    fallback: 'engine.io flushes each packet as it is queued (a frame and a system call each)',
  },
  'ack-decoder': {
    replaces: "socket.io-parser's decoding of plain acknowledgements (reads the decoder's `reconstructor`)",
    fallback: "socket.io-parser's decoder for every packet",
  },
  'socket-acks': {
    replaces:
      "Socket.IO's ack callbacks per socket (`socket.acks`): what a socket owes, and forgetting what is done",
    fallback:
      'the writer keeps its own record of owed acks (bounded per socket); Socket.IO keeps its callbacks until acked or disconnected',
  },
  'engine-backlog': {
    replaces:
      "engine.io's write buffer and WebSocket transport (`writeBuffer`, `transport.socket`: ws's `bufferedAmount`, `terminate`)",
    fallback:
      "the backlog is counted from engine.io's public `packetCreate` and `flush` events; a shed socket is closed with engine.io's close (ws ends it after its close timeout)",
  },
};

const require = createRequire(import.meta.url);
/** The socket.io Nest's IoAdapter makes the hub's server with (package.json keeps it ours). */
const fromNest = createRequire(require.resolve('@nestjs/platform-socket.io'));
/** That socket.io's own engine.io (the copy whose connections the hub gets). */
const fromSocketIo = createRequire(fromNest.resolve('socket.io'));

/**
 * The feature checks: each says whether the internal a patch relies on is there, in the shape the
 * patch expects, in the loaded library. A check that throws counts as failed.
 */
export const FEATURE_CHECKS: Record<PatchName, () => boolean> = {
  'frame-batching': () => {
    const { Socket } = fromSocketIo('engine.io') as { Socket?: { prototype: Record<string, unknown> } };
    return typeof Socket?.prototype.flush === 'function' && typeof Socket.prototype.sendPacket === 'function';
  },
  'ack-decoder': () => {
    // A binary event's first part sets `reconstructor` until its attachments arrive: the one
    // state in which the fast path must leave a packet to socket.io-parser.
    const { Decoder } = require('socket.io-parser') as typeof Parser;
    const decoder = new Decoder();
    decoder.on('decoded', () => undefined);
    decoder.add('51-["x",{"_placeholder":true,"num":0}]');
    const pending = Boolean((decoder as unknown as { reconstructor?: unknown }).reconstructor);
    decoder.destroy();
    return pending && !(decoder as unknown as { reconstructor?: unknown }).reconstructor;
  },
  'socket-acks': () => {
    const { Socket } = fromNest('socket.io') as { Socket?: { prototype: Record<string, unknown> } };
    const onack = Socket?.prototype.onack;
    return typeof onack === 'function' && /this\.acks\.get\(/.test(Function.prototype.toString.call(onack));
  },
  'engine-backlog': () => {
    const { Socket } = fromSocketIo('engine.io') as { Socket?: { prototype: Record<string, unknown> } };
    const source = Function.prototype.toString.call(Socket?.prototype.sendPacket ?? '');
    return /this\.writeBuffer\.push\(/.test(source);
  },
};

function passes(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

/** Which patches this node uses, decided once at boot. */
export class TransportPatches {
  private readonly used = new Set<PatchName>();
  /** Patches allowed but whose check failed (each logged once at boot). */
  readonly failed: PatchName[] = [];

  constructor(
    wanted: 'auto' | readonly PatchName[],
    checks: Record<PatchName, () => boolean> = FEATURE_CHECKS,
  ) {
    for (const name of TRANSPORT_PATCH_NAMES) {
      if (wanted !== 'auto' && !wanted.includes(name)) continue;
      if (passes(checks[name])) this.used.add(name);
      else this.failed.push(name);
    }
  }

  has(name: PatchName): boolean {
    return this.used.has(name);
  }

  /** One line per patch TRANSPORT_PATCHES allows whose check failed: the node runs its fallback. */
  warnings(): string[] {
    return this.failed.map(
      (name) =>
        `transport patch ${name}: the installed library does not have what it patches; using the public API instead (${PATCHES[name].fallback})`,
    );
  }

  /** For the boot log: `used` and `fallback` (with the reason: off, or its check failed). */
  summary(): { used: PatchName[]; fallback: string[] } {
    const fallback = TRANSPORT_PATCH_NAMES.filter((n) => !this.used.has(n)).map((n) =>
      this.failed.includes(n) ? `${n} (its check failed: ${PATCHES[n].fallback})` : n,
    );
    return { used: [...this.used], fallback };
  }
}

/** Every patch off: the public-API forms only. */
export const NO_PATCHES = new TransportPatches([]);
