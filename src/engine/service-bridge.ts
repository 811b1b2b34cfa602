import type { ClientCommand, CommandType, PublishJob } from '@orderwire/contracts';

export type CommandHandler = (command: ClientCommand) => Promise<void>;
export type PublishHandler = (job: PublishJob) => Promise<void>;

/**
 * The hub's link to other services (PROTOCOL section 7): publishes coming in, accepted client
 * commands going out. The redis engine runs both through BullMQ queues (see QUEUE_NAMES); the
 * memory engine in-process.
 */
export interface ServiceBridge {
  /** Whether any service subscribed to `type` (cheap: checked for every accepted command). */
  hasSubscribers(type: CommandType): boolean;
  /**
   * A subscribed service whose queue for `type` is at its bound (COMMAND_QUEUE_MAX), if any: the
   * command is then refused before it is carried out (cheap: from the last refresh).
   */
  backlogged(type: CommandType): { service: string; waiting: number; limit: number } | undefined;
  /**
   * Hands an accepted command to every subscribed service (one copy each; a service's replicas
   * share its copy); resolves once it is queued for all of them (at least once).
   */
  dispatch(command: ClientCommand): Promise<void>;
  /** A subscription from inside the hub process, for the service `service`. */
  subscribe(type: CommandType, handler: CommandHandler, service: string): void;
  /** Queues a publish; resolves with the message id once it is durable. Idempotent by requestId. */
  enqueuePublish(job: PublishJob): Promise<{ id: string }>;
  /** Starts taking publishes off the queue; `handler` throws to have one retried. */
  consumePublishes(handler: PublishHandler): void;
  close(): Promise<void>;
}
