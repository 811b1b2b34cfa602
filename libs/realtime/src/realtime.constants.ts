import type { ClientCommand, CommandType, PublishJob } from '@orderwire/contracts';
import type { Redis } from 'ioredis';

export interface RealtimeModuleOptions {
  /**
   * The Redis of the hub cluster (redis engine): a URL or a client to share. Omit it in a module
   * that runs inside the hub process: the hub is then used directly (memory engine included).
   */
  redis?: { url: string } | { client: Redis };
  /** The hub cluster's REDIS_PREFIX. Default `orderwire`. */
  prefix?: string;
  /** This service's name, the `sender.id` of what it publishes. */
  serviceId: string;
  /** The tenants it may publish to (its tenant scope); omit for every tenant. */
  tenants?: string[];
  /**
   * At shutdown, how long its Redis connections get to close politely before they are
   * force-disconnected (at once when Redis is unreachable). Default 2000 ms.
   */
  closeTimeoutMs?: number;
}

export interface RealtimeModuleAsyncOptions {
  imports?: unknown[];
  inject?: unknown[];
  useFactory: (...args: never[]) => RealtimeModuleOptions | Promise<RealtimeModuleOptions>;
}

export const REALTIME_OPTIONS = Symbol('REALTIME_OPTIONS');

/**
 * What the hub offers to modules living in its own process. The hub registers it globally; a
 * RealtimeModule without `redis` uses it.
 */
export interface InProcessHub {
  publish(job: PublishJob): Promise<{ id: string }>;
  subscribe(type: CommandType, handler: (command: ClientCommand) => Promise<void>): void;
}
export const IN_PROCESS_HUB = Symbol('ORDERWIRE_IN_PROCESS_HUB');

export const ON_CLIENT_COMMAND = Symbol('ON_CLIENT_COMMAND');
