import type { ClientCommand, CommandType, PublishJob } from '@orderwire/contracts';

/** What the health indicator reports of a transport. */
export interface TransportHealth {
  up: boolean;
  transport: 'redis' | 'in-process';
  /** The command types this service subscribed to. */
  subscriptions: CommandType[];
  /** Why it is down. */
  reason?: string;
}

/** How a RealtimeModule reaches the hub: BullMQ queues, or the hub in this very process. */
export interface RealtimeTransport {
  publish(job: PublishJob): Promise<{ id: string }>;
  /** One subscription per command type (the explorer calls each type's handlers from it). */
  subscribe(type: CommandType, handler: (command: ClientCommand) => Promise<void>): void;
  health(): Promise<TransportHealth>;
  close(): Promise<void>;
}
