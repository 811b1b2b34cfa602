import type { ClusterBus } from '../cluster-bus.js';
import { ReadCache } from './read-cache.js';

/**
 * A node's copy of per-tenant values read from Redis (ReadCache) kept in step across nodes: a
 * write through this node drops its copy and tells the other nodes (a ClusterBus notice on
 * `topic`), which drop theirs. Should a notice be lost (pub/sub is best effort), a copy is at
 * most `ttlMs` old.
 */
export class SharedReadCache<V> {
  private readonly cache: ReadCache<V>;

  constructor(
    ttlMs: number,
    max: number,
    private readonly bus: ClusterBus,
    private readonly topic: string,
  ) {
    this.cache = new ReadCache(ttlMs, max);
    bus.onNotice(topic, (key) => this.cache.invalidate(key));
  }

  get(key: string, read: () => Promise<V>): Promise<V> {
    return this.cache.get(key, read);
  }

  /** After a write of `key` through this node: this copy goes, and every other node's. */
  changed(key: string): void {
    this.cache.invalidate(key);
    this.bus.notify(this.topic, key);
  }
}
