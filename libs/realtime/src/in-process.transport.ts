import type { ClientCommand, CommandType, PublishJob } from '@orderwire/contracts';
import type { InProcessHub } from './realtime.constants.js';
import type { RealtimeTransport } from './realtime.transport.js';

/** Inside the hub process: straight to the hub, with the same validation and idempotency. */
export class InProcessTransport implements RealtimeTransport {
  constructor(private readonly hub: InProcessHub) {}

  publish(job: PublishJob): Promise<{ id: string }> {
    return this.hub.publish(job);
  }

  subscribe(type: CommandType, handler: (command: ClientCommand) => Promise<void>): Promise<void> {
    this.hub.subscribe(type, handler);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
