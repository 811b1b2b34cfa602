import type { Role } from './roles.js';
import type { CrewRole } from './roles.js';
import type { PublishableType, PublishData } from './messages.js';
import type { Sender } from './roles.js';
import type { CommandData, CommandReply, CommandType } from './commands.js';

/**
 * Every BullMQ queue of the redis engine, in one place: those between the hub and other services,
 * and the hub's own delayed work. Every queue lives under the BullMQ prefix `<REDIS_PREFIX>:bull`.
 */
export const QUEUE_NAMES = {
  /** Retries of one node's unacknowledged messages: per node, since the ack state is the node's. */
  redelivery: (nodeId: string): string => `redelivery-${nodeId}`,
  /** The ORDER_NOT_ACCEPTED sweeps: any node may run them. */
  orderSla: 'order-sla',
  /** When a store's status changes by itself: its `until`, its opening hours (docs/protocol.md 13). */
  storeWake: 'store-wake',
  /** Scheduled orders fired to `placed` at their fire time (docs/protocol.md section 13). */
  orderFire: 'order-fire',
  /** Services to the hub: messages to deliver. */
  publish: 'publish',
  /** The hub to backends over HTTP: one webhook's signed deliveries, retried with backoff. */
  webhooks: (webhookId: string): string => `webhooks-${webhookId}`,
  /**
   * The hub to services: accepted client commands, one queue per command type and subscribing
   * service (its serviceId), so that every service gets every command and a service's replicas
   * compete for it. Without a service: the queue of libraries before 0.2, still fed while one of
   * them is registered (`subscribedCommandsKey`).
   */
  commands: (type: CommandType, service?: string): string =>
    service === undefined ? `commands-${type}` : `commands-${type}@${service}`,
} as const;

/** A serviceId: what names a service's queues (the consumer group of its replicas). */
export const SERVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * BullMQ's prefix for a hub cluster with REDIS_PREFIX `prefix`. On a Redis Cluster the prefix is a
 * hash tag, `{<prefix>}:bull`, as BullMQ requires there (every key of a queue on one slot): all
 * the hub cluster's queues then live on one shard (docs/scaling.md). One Redis keeps the layout
 * it always had, so an upgrade strands no job.
 */
export const bullPrefix = (prefix: string, cluster = false): string =>
  cluster ? `{${prefix}}:bull` : `${prefix}:bull`;
/** The Redis set of command types a library before 0.2 subscribed to (one queue per type). */
export const subscribedCommandsKey = (prefix: string): string => `${prefix}:commands:subscribed`;
/**
 * The Redis hash of subscriptions: field `<type>@<serviceId>`, value the last time (ms) one of
 * the service's replicas said it is alive. The hub queues a type's commands for every service seen
 * within its COMMAND_SUBSCRIBER_TTL_MS.
 */
export const commandSubscribersKey = (prefix: string): string => `${prefix}:commands:subscribers`;
/** How often a running service renews its subscriptions. */
export const SUBSCRIPTION_HEARTBEAT_MS = 30_000;
/** A subscription's field in `commandSubscribersKey`. */
export const subscriptionField = (type: CommandType, service: string): string => `${type}@${service}`;
/** The Redis channel a service announces a new subscription on, so hubs notice at once. */
export const subscribedCommandsChannel = (prefix: string): string => `${prefix}:commands:subscribed:changed`;

/** Attempts, backoff and retention of the service queues, in one place. */
export const QUEUE_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  /** Completed jobs are kept 10 minutes, so a repeated job id (requestId) within that time is a no-op. */
  removeOnComplete: { age: 600 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** Who a service message is for, beyond what its type implies (PROTOCOL section 7). */
export interface PublishTarget {
  orderId?: string;
  userIds?: string[];
  roles?: Role[];
}

/** What `Broadcaster.publish` and `POST /api/v1/events` take. */
export interface PublishRequest<T extends PublishableType = PublishableType> {
  type: T;
  tenantId: string;
  data: PublishData<T>;
  to?: PublishTarget;
  requestId?: string;
}

/** A publish on its way through the `publish` queue; its job id is `id` or the requestId's. */
export interface PublishJob<T extends PublishableType = PublishableType> extends PublishRequest<T> {
  /** The message id, chosen by the publisher so that a retried job delivers the same message. */
  id: string;
  sender: Sender;
  publishedAt: number;
}

/**
 * An accepted client command on its way to the services that subscribed to its type, typed from
 * CommandMap: `ClientCommand<'order.place'>` has the OrderPlaceDto's fields as `data` and the
 * order.place reply as `reply`; `ClientCommand` alone is the union over every type (narrow it on
 * `type`).
 */
export type ClientCommand<C extends CommandType = CommandType> = C extends CommandType
  ? ClientCommandOf<C>
  : never;

/** One command type's ClientCommand. */
export interface ClientCommandOf<C extends CommandType> {
  /** Unique per accepted command; the job id, so a command is queued once per service. */
  commandId: string;
  type: C;
  /** What the client sent, as validated against the command's DTO. */
  data: CommandData<C>;
  /** The hub's reply to the client (for example the orderId, number and total of order.place). */
  reply?: CommandReply<C>;
  /**
   * The tenant the command acted on: the user's own, or the one a platform admin named (never
   * `"*"`). Route and store by this, not by `user.tenantId`.
   */
  tenantId: string;
  /** Who sent it; `user.tenantId` is `"*"` for a platform admin. */
  user: { id: string; role: Role; tenantId: string; crewRole?: CrewRole };
  sessionId: string;
  requestId?: string;
  receivedAt: string;
}

/** The jobId for a publish: stable for a requestId, so a repeat within 10 minutes is ignored. */
export function publishJobId(job: Pick<PublishJob, 'id' | 'tenantId' | 'requestId'>): string {
  return job.requestId ? `req-${job.tenantId}-${encodeURIComponent(job.requestId)}` : job.id;
}
