import { Worker } from 'bullmq';

/** Anything BullMQ that holds connections: a Queue or a Worker. */
interface Disconnectable {
  disconnect(): Promise<void>;
}

/**
 * Drops BullMQ's connections at once, without waiting for Redis or for the jobs in hand;
 * failures are ignored. A worker is closed with `force` (which disconnects too): `disconnect()`
 * alone leaves its fetch loop running against the closed connection, failing ("Connection is
 * closed.") about once a second, with its timers keeping the process alive.
 */
export function disconnectAll(items: Iterable<Disconnectable>): void {
  for (const item of items) {
    const closing = item instanceof Worker ? item.close(true) : item.disconnect();
    closing.catch(() => undefined);
  }
}
