import { isClusterClient } from '@orderwire/realtime';
import type { Cluster, Redis } from 'ioredis';
import type { Socket } from 'node:net';

/**
 * The ioredis version whose connection this reaches into (`Redis.stream`, marked `@ignore` in its
 * typings: the socket of the current connection, replaced on every reconnect), pinned in
 * package.json; test/engine/coalesced-writes.spec.ts fails when another is installed.
 */
export const IOREDIS_PIN = { ioredis: '6.0.0' } as const;

const COALESCED = Symbol('orderwire.coalesced');

type Stream = Socket & { [COALESCED]?: true };

/**
 * Makes `client` write the commands of one event-loop turn to Redis in one system call. ioredis
 * writes each command to its socket at once, and on the durable path that write (one EVALSHA per
 * order) was 17 % of a node's CPU. ioredis' own `enableAutoPipelining` batches too, but keeps one
 * pipeline in flight at a time: a turn's commands wait for the previous batch's replies, so Redis
 * and the node stop overlapping their work (measured: more CPU per order at room=1). Here the
 * socket is corked at a turn's first command and uncorked once the turn's I/O callbacks and their
 * promise continuations ran (setImmediate, as the cluster bus batches): what was written goes out
 * as one writev, in order, with nothing held back behind replies.
 *
 * Every connection's socket is wrapped as ioredis makes it (the `connect` event), so a reconnect
 * keeps the behaviour. Commands ioredis writes before that event (none on a plain connection;
 * AUTH and SELECT once it connected) go out as before.
 */
export function coalesceWrites(client: Redis | Cluster): void {
  if (isClusterClient(client)) {
    // A Redis Cluster's client: each node's connection, as the cluster learns of it.
    for (const node of client.nodes()) coalesceWrites(node);
    client.on('+node', (node: Redis) => coalesceWrites(node));
    return;
  }
  client.on('connect', () => coalesce(client.stream as Stream));
}

function coalesce(stream: Stream | undefined): void {
  if (!stream || stream[COALESCED]) return;
  stream[COALESCED] = true;
  const write = stream.write;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    stream.uncork();
  };
  stream.write = function (this: Stream, ...args: Parameters<Socket['write']>): boolean {
    if (!corked) {
      corked = true;
      stream.cork();
      setImmediate(uncork);
    }
    return write.apply(this, args);
  } as Socket['write'];
}
