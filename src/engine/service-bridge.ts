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
  /** Hands an accepted command to its subscribers; resolves once it is queued (at least once). */
  dispatch(command: ClientCommand): Promise<void>;
  /** A subscription from inside the hub process. */
  subscribe(type: CommandType, handler: CommandHandler): void;
  /** Queues a publish; resolves with the message id once it is durable. Idempotent by requestId. */
  enqueuePublish(job: PublishJob): Promise<{ id: string }>;
  /** Starts taking publishes off the queue; `handler` throws to have one retried. */
  consumePublishes(handler: PublishHandler): void;
  close(): Promise<void>;
}
