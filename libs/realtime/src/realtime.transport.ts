import type { ClientCommand, CommandType, PublishJob } from '@orderwire/contracts';

/** How a RealtimeModule reaches the hub: BullMQ queues, or the hub in this very process. */
export interface RealtimeTransport {
  publish(job: PublishJob): Promise<{ id: string }>;
  subscribe(type: CommandType, handler: (command: ClientCommand) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}
