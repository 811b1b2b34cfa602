import { ConnectedSocket, MessageBody, SubscribeMessage } from '@nestjs/websockets';
import { CourierLocationDto, MenuSetAvailabilityDto, OrderUpdateStatusDto } from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { ok } from '../commands/ack.js';
import type { HubSocket } from '../transport/hub-server.js';
import { GatewayContext } from './gateway.context.js';
import { HubGateway } from './hub-gateway.decorator.js';
import { RoleGateway } from './role.gateway.js';

/** `/crew`: work the order queue; couriers share their position. */
@HubGateway('crew')
export class CrewGateway extends RoleGateway {
  protected readonly role = 'crew' as const;

  constructor(ctx: GatewayContext, @InjectLogger(CrewGateway.name) logger: HubLogger) {
    super(ctx, logger);
  }

  @SubscribeMessage('order.update_status')
  async updateStatus(@ConnectedSocket() socket: HubSocket, @MessageBody() dto: OrderUpdateStatusDto) {
    const reply = await this.ctx.orders.updateStatus(socket.data.session, dto);
    this.ctx.feed.activity(socket.data.session, `order.${dto.status}`);
    return ok(reply);
  }

  @SubscribeMessage('menu.set_availability')
  async setAvailability(@ConnectedSocket() socket: HubSocket, @MessageBody() dto: MenuSetAvailabilityDto) {
    const reply = await this.ctx.menus.setAvailability(socket.data.session, dto);
    this.ctx.feed.activity(socket.data.session, `menu.${dto.available ? 'available' : 'unavailable'}`);
    return ok(reply);
  }

  @SubscribeMessage('courier.location')
  async courierLocation(@ConnectedSocket() socket: HubSocket, @MessageBody() dto: CourierLocationDto) {
    return ok(await this.ctx.orders.courierLocation(socket.data.session, dto));
  }
}
