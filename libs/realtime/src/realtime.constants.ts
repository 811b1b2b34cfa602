import type { ClientCommand, CommandType, PublishJob } from '@orderwire/contracts';
import type { Cluster, Redis } from 'ioredis';

export interface RealtimeModuleOptions {
  /**
   * The Redis of the hub cluster's queues (redis engine; the hub's REDIS_QUEUES_URL): a URL
   * (`redis://`, `rediss://`, Sentinel's `redis+sentinel://` or a Redis Cluster's
   * `redis+cluster://`, see redis-url.ts) or a client to share. Omit it in a module
   * that runs inside the hub process: the hub is then used directly (memory engine included).
   */
  redis?: { url: string } | { client: Redis | Cluster };
  /** The hub cluster's REDIS_PREFIX. Default `orderwire`. */
  prefix?: string;
  /**
   * This service's name (letters, digits, `.`, `_`, `-`; up to 64): the `sender.id` of what it
   * publishes, and the consumer group of its command handlers — every service gets every command
   * it subscribed to; the replicas of one service share them, each command going to one replica.
   */
  serviceId: string;
  /** The tenants it may publish to (its tenant scope); omit for every tenant. */
  tenants?: string[];
  /**
   * How long `publish` waits for the hub cluster's Redis before it rejects (INTERNAL). Default
   * 5000 ms. A rejected publish may still be queued once Redis answers: give it a requestId, and
   * a retry is then delivered once.
   */
  publishTimeoutMs?: number;
  /** How many commands one replica handles at once. Default 16. */
  concurrency?: number;
  /**
   * At shutdown, how long its Redis connections get to close politely before they are
   * force-disconnected (at once when Redis is unreachable). Default 2000 ms.
   */
  closeTimeoutMs?: number;
  /**
   * The hub cluster's DATA_ENCRYPTION_KEY (`kid:base64key[,…]`), when the hubs set one: the
   * publishes this service queues and the commands it reads are kept sealed in Redis, as the hub
   * keeps them. A service without it cannot read the commands of hubs that seal.
   */
  dataEncryptionKey?: string;
}

/**
 * What the hub offers to modules living in its own process. The hub registers it globally; a
 * RealtimeModule without `redis` uses it.
 */
export interface InProcessHub {
  publish(job: PublishJob): Promise<{ id: string }>;
  /** `service` is the subscribing module's serviceId: every service gets every command. */
  subscribe(type: CommandType, handler: (command: ClientCommand) => Promise<void>, service: string): void;
}
export const IN_PROCESS_HUB = Symbol('ORDERWIRE_IN_PROCESS_HUB');

export const ON_CLIENT_COMMAND = Symbol('ON_CLIENT_COMMAND');
