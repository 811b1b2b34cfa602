import type { Role } from './roles.js';
import type { CrewRole } from './roles.js';
import type { PublishableType, PublishData, Sender } from './messages.js';
import type { CommandType } from './commands.js';

/**
 * Every BullMQ queue of the redis engine, in one place: those between the hub and other services,
 * and the hub's own delayed work. Every queue lives under the BullMQ prefix `<REDIS_PREFIX>:bull`.
 */
export const QUEUE_NAMES = {
  /** Retries of one node's unacknowledged messages: per node, since the ack state is the node's. */
  redelivery: (nodeId: string): string => `redelivery-${nodeId}`,
  /** The ORDER_NOT_ACCEPTED sweeps: any node may run them. */
  orderSla: 'order-sla',
  /** Services to the hub: messages to deliver. */
  publish: 'publish',
  /** The hub to services: accepted client commands, one queue per command type. */
  commands: (type: CommandType): string => `commands-${type}`,
} as const;

/** BullMQ's prefix for a hub cluster with REDIS_PREFIX `prefix`. */
export const bullPrefix = (prefix: string): string => `${prefix}:bull`;
/** The Redis set of command types some service subscribed to. */
export const subscribedCommandsKey = (prefix: string): string => `${prefix}:commands:subscribed`;
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

/** An accepted client command on its way to the services that subscribed to its type. */
export interface ClientCommand<C extends CommandType = CommandType> {
  /** Unique per accepted command; the job id, so a command is queued once. */
  commandId: string;
  type: C;
  data: Record<string, unknown>;
  /** The hub's reply to the client, when it had one (for example the orderId of order.place). */
  reply?: unknown;
  user: { id: string; role: Role; tenantId: string; crewRole?: CrewRole };
  sessionId: string;
  requestId?: string;
  receivedAt: string;
}

/** The jobId for a publish: stable for a requestId, so a repeat within 10 minutes is ignored. */
export function publishJobId(job: Pick<PublishJob, 'id' | 'tenantId' | 'requestId'>): string {
  return job.requestId ? `req-${job.tenantId}-${encodeURIComponent(job.requestId)}` : job.id;
}
