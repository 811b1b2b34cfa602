import type { DeadLetterItem, DurableType, Envelope, Role } from '@orderwire/contracts';
import type { AppConfig } from '../config/app-config.js';
import type { Targets } from '../routing/routing.table.js';

export type { Targets };

/** A durable message as stored: the envelope (with its cursor) and whom it was addressed to. */
export interface StoredMessage<T extends DurableType = DurableType> {
  envelope: Envelope<T>;
  targets: Targets;
  /** Epoch milliseconds of the publish; retention counts from here. */
  publishedAt: number;
}

/** Who reads a replay: the rooms the reader's socket is in, in its own namespace. */
export interface ReplayReader {
  role: Role;
  /** The reader's tenant; `"*"` for platform admins, who read every tenant. */
  tenantId: string;
  rooms: readonly string[];
}

export interface ReplayResult {
  messages: StoredMessage[];
  /** False when retention ran out (or the cursor is unknown): the client must refetch state. */
  recovered: boolean;
}

export interface DeadLetter extends DeadLetterItem {
  /** Where to deliver again on `admin.replay`: user keys (see routing/rooms.ts `userKey`). */
  userKeys: string[];
  /** A failed webhook delivery: the signed body is remade from this on `admin.replay`. */
  webhookBody?: string;
}

/** What a message store keeps at most (see MESSAGE_* and DEAD_LETTER* in .env.example). */
export interface MessageStoreBounds {
  ttlMs: number;
  /**
   * Messages in a tenant's log (redis engine) or in all (memory engine); past it, or past
   * `retentionMaxBytes` of JSON, the oldest leave first.
   */
  retentionMax: number;
  retentionMaxBytes: number;
  deadLetters: { ttlMs: number; perTenant: number; max: number };
  /** TENANTS_MAX: tenants whose logs the redis engine's prune walks. */
  maxTenants: number;
}

export function messageBounds(config: AppConfig): MessageStoreBounds {
  const { messageTtlMs, retentionMax, retentionMaxBytes, deadLetters } = config.delivery;
  return {
    ttlMs: messageTtlMs,
    retentionMax,
    retentionMaxBytes,
    deadLetters,
    maxTenants: config.orders.maxTenants,
  };
}

/**
 * Durable messages in publish order, with their cursors, and the dead letters. One per engine;
 * the contract suite in test/engine/engine.contract.ts holds every implementation to the same behaviour.
 */
export interface MessageStore {
  /**
   * Stores the envelope in its tenant's log, assigns its cursor and returns it. Cursors are per
   * tenant (a log per tenant, each with its own epoch and seqs, so that Redis Cluster keeps a
   * tenant's log on one shard): monotonic in publish order within the tenant.
   */
  append(envelope: Envelope<DurableType>, targets: Targets, publishedAt: number): Promise<string>;
  /**
   * Messages of the reader's tenant after `cursor` that were addressed to `reader`, oldest first,
   * at most `limit`. A platform admin (tenant `"*"`) reads every tenant and has no one log to
   * resume from: `recovered: false`, and the client refetches state.
   */
  readAfter(cursor: string, reader: ReplayReader, limit: number): Promise<ReplayResult>;
  /**
   * The cursor a new client of the tenant starts from: everything published so far is behind it.
   * Undefined for `"*"` (platform admins have no one log).
   */
  head(tenantId: string): Promise<string | undefined>;
  /**
   * Every retained message of the tenant with `from <= seq <= to` in `epoch`, oldest first,
   * whoever it was addressed to (at most `limit`); none if its log is in another epoch. What a
   * node reads when the cluster bus has not brought a message in time (delivery/sequencer.ts).
   */
  readRange(
    tenantId: string,
    epoch: string,
    from: number,
    to: number,
    limit: number,
  ): Promise<StoredMessage[]>;
  /** The stored message, if it is the tenant's. */
  get(tenantId: string, messageId: string): Promise<StoredMessage | undefined>;
  /** Drops messages and dead letters older than their retention; returns how many messages. */
  prune(now: number): Promise<number>;

  /** Adds the letter; past DEAD_LETTERS_PER_TENANT or DEAD_LETTERS_MAX the oldest leave first. */
  addDeadLetter(letter: DeadLetter): Promise<void>;
  /** Newest first; `tenantId` `"*"` lists every tenant. `before` is a message id. */
  listDeadLetters(tenantId: string, limit: number, before?: string): Promise<DeadLetter[]>;
  /** Removes and returns the letter, if it exists in that tenant (`"*"`: any tenant). */
  takeDeadLetter(tenantId: string, messageId: string): Promise<DeadLetter | undefined>;
  countDeadLetters(tenantId: string): Promise<number>;
}
