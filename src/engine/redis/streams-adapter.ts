import { createAdapter, type RedisStreamsAdapterOptions } from '@socket.io/redis-streams-adapter';
import { createRedis } from '@orderwire/realtime';
import type { Redis, RedisOptions } from 'ioredis';
import type { SocketAdapterFactory } from '../engine.tokens.js';
import { sealAdapterTraffic } from './sealed-adapter-client.js';
import { Sealer } from './sealer.js';

/** The adapter's client, remembering the connections the adapter duplicates from it. */
type AdapterClient = Redis & { readonly duplicates: Redis[] };

function adapterClient(url: string, options: RedisOptions, sealer: Sealer): AdapterClient {
  const client = sealAdapterTraffic(createRedis(url, options), sealer);
  const duplicates: Redis[] = [];
  const duplicate = client.duplicate.bind(client);
  return Object.assign(client, {
    duplicates,
    duplicate(override?: Partial<RedisOptions>): Redis {
      const copy = duplicate(override);
      duplicates.push(copy);
      handledSubscribes(copy);
      return copy;
    },
  });
}

/**
 * The adapter (0.3, util.js SUBSCRIBE/SSUBSCRIBE) subscribes its duplicate and drops the
 * promise: a hub closed before those SUBSCRIBEs were answered left one unhandled "Connection is
 * closed" rejection per namespace. The promise the adapter drops gets a handler here (the same
 * promise is returned, so nothing else changes); a failure to subscribe while running is the
 * connection's, which the client reports and retries.
 */
function handledSubscribes(client: Redis): void {
  for (const name of ['subscribe', 'ssubscribe'] as const) {
    const original = client[name]?.bind(client) as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (!original) continue;
    (client as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const result = original(...args);
      result.catch(() => undefined);
      return result;
    };
  }
}

/**
 * The Socket.IO Redis streams adapter, with its connections ended on close. The adapter (0.3)
 * duplicates its client twice — an XREAD polling loop and pub/sub — once every namespace adapter
 * closed it aborts the loop, but the loop stops only after its pending XREAD returns (up to
 * `blockTimeInMs`, 5 s) and, with Redis gone, that XREAD keeps its connection retrying; the
 * process lingers meanwhile. Here:
 * - the adapter is made on the first namespace, not at construction, so an engine that never
 *   serves sockets (the engine's contract tests, tools) opens no polling connection at all;
 * - `endDuplicates()` disconnects both duplicates, once every namespace adapter it made was closed
 *   (the loop is aborted then, so the failed XREAD ends it). Before that it leaves them alone:
 *   the loop would otherwise retry a closed connection without pause.
 */
export class StreamsAdapter {
  readonly client: AdapterClient;
  readonly factory: SocketAdapterFactory;
  private made?: ReturnType<typeof createAdapter>;
  private open = 0;

  constructor(
    url: string,
    clientOptions: Pick<RedisOptions, 'connectionName' | 'retryStrategy'>,
    adapterOptions: RedisStreamsAdapterOptions,
    sealer: Sealer = new Sealer(),
  ) {
    this.client = adapterClient(url, clientOptions, sealer);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    // Socket.IO calls the factory with `new` (namespace.js): a function, not an arrow.
    this.factory = function streamsAdapter(nsp: unknown) {
      self.made ??= createAdapter(self.client, adapterOptions);
      const adapter = self.made(nsp);
      self.open++;
      const close = adapter.close;
      adapter.close = function (this: typeof adapter) {
        self.open--;
        return close.call(this);
      };
      return adapter;
    } as unknown as SocketAdapterFactory;
  }

  /** Whether every namespace adapter made was closed (so the polling loop is aborted). */
  get closed(): boolean {
    return this.open === 0;
  }

  /** Ends the adapter's duplicated connections, if its namespaces are closed; true if it did. */
  endDuplicates(): boolean {
    if (!this.closed) return false;
    for (const c of this.client.duplicates) c.disconnect();
    return true;
  }
}
