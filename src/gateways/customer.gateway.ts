import { ConnectedSocket, MessageBody, SubscribeMessage } from '@nestjs/websockets';
import { OrderPlaceDto } from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { ok } from '../commands/ack.js';
import type { HubSocket } from '../transport/hub-server.js';
import { GatewayContext } from './gateway.context.js';
import { HubGateway } from './hub-gateway.decorator.js';
import { RoleGateway } from './role.gateway.js';

/** `/customer`: place orders and follow them. */
@HubGateway('customer')
export class CustomerGateway extends RoleGateway {
  protected readonly role = 'customer' as const;

  constructor(ctx: GatewayContext, @InjectLogger(CustomerGateway.name) logger: HubLogger) {
    super(ctx, logger);
  }

  @SubscribeMessage('order.place')
  async place(@ConnectedSocket() socket: HubSocket, @MessageBody() dto: OrderPlaceDto) {
    const session = socket.data.session;
    const reply = await this.ctx.orders.place(session, dto);
    this.ctx.feed.activity(session, 'order.place');
    return ok(reply);
  }
}
