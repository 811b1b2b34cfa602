/** Anything BullMQ that holds connections: a Queue or a Worker. */
interface Disconnectable {
  disconnect(): Promise<void>;
}

/** Drops BullMQ's connections at once, without waiting for Redis; failures are ignored. */
export function disconnectAll(items: Iterable<Disconnectable>): void {
  for (const item of items) item.disconnect().catch(() => undefined);
}
