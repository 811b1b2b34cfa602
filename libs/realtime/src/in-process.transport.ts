import type { ClientCommand, CommandType, PublishJob } from '@orderwire/contracts';
import type { InProcessHub } from './realtime.constants.js';
import type { RealtimeTransport, TransportHealth } from './realtime.transport.js';

/** Inside the hub process: straight to the hub, with the same validation and idempotency. */
export class InProcessTransport implements RealtimeTransport {
  private readonly types: CommandType[] = [];

  constructor(
    private readonly hub: InProcessHub,
    private readonly serviceId: string,
  ) {}

  publish(job: PublishJob): Promise<{ id: string }> {
    return this.hub.publish(job);
  }

  subscribe(type: CommandType, handler: (command: ClientCommand) => Promise<void>): void {
    this.hub.subscribe(type, handler, this.serviceId);
    this.types.push(type);
  }

  health(): Promise<TransportHealth> {
    return Promise.resolve({ up: true, transport: 'in-process', subscriptions: [...this.types] });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
