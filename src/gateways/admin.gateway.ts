import { ConnectedSocket, MessageBody, SubscribeMessage } from '@nestjs/websockets';
import {
  AdminAnnounceDto,
  AdminAuditDto,
  AdminDeadLettersDto,
  AdminDisconnectDto,
  AdminReplayDto,
  EmptyCommandDto,
  MenuSetAvailabilityDto,
  OrderUpdateStatusDto,
} from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { ok } from '../commands/ack.js';
import { actorOf } from '../session/session.js';
import { tenantOf } from '../session/tenant-scope.js';
import type { HubSocket } from '../transport/hub-server.js';
import { GatewayContext } from './gateway.context.js';
import { HubGateway } from './hub-gateway.decorator.js';
import { RoleGateway } from './role.gateway.js';

/** `/admin`: watch the operation, announce, disconnect, and handle dead letters. */
@HubGateway('admin')
export class AdminGateway extends RoleGateway {
  protected readonly role = 'admin' as const;

  constructor(ctx: GatewayContext, @InjectLogger(AdminGateway.name) logger: HubLogger) {
    super(ctx, logger);
  }

  @SubscribeMessage('order.update_status')
  async updateStatus(@ConnectedSocket() socket: HubSocket, @MessageBody() dto: OrderUpdateStatusDto) {
    return ok(await this.ctx.orders.updateStatus(socket.data.session, dto));
  }

  @SubscribeMessage('menu.set_availability')
  async setAvailability(@ConnectedSocket() socket: HubSocket, @MessageBody() dto: MenuSetAvailabilityDto) {
    return ok(await this.ctx.menus.setAvailability(socket.data.session, dto));
  }

  @SubscribeMessage('admin.announce')
  async announce(@ConnectedSocket() socket: HubSocket, @MessageBody() dto: AdminAnnounceDto) {
    const session = socket.data.session;
    const envelope = await this.ctx.delivery.publish({
      type: 'notification',
      tenantId: tenantOf(session, dto.tenantId),
      data: { level: dto.level, message: dto.message },
      sender: { id: session.userId, type: 'admin' },
      audience: { roles: dto.audience },
    });
    void this.ctx.events.emit('audit', {
      tenantId: envelope.tenantId,
      actor: actorOf(session),
      action: 'admin.announce',
      details: { audience: dto.audience, level: dto.level, message: dto.message, messageId: envelope.id },
    });
    return ok({ id: envelope.id });
  }

  @SubscribeMessage('admin.disconnect')
  async disconnect(@ConnectedSocket() socket: HubSocket, @MessageBody() dto: AdminDisconnectDto) {
    return ok(await this.ctx.sessionControl.disconnect(socket.data.session, dto));
  }

  @SubscribeMessage('metrics.snapshot')
  async metricsSnapshot(@ConnectedSocket() socket: HubSocket, @MessageBody() _dto: EmptyCommandDto) {
    return ok(await this.ctx.feed.snapshot(socket.data.session.tenantId));
  }

  @SubscribeMessage('admin.dead_letters')
  async deadLetters(@ConnectedSocket() socket: HubSocket, @MessageBody() dto: AdminDeadLettersDto) {
    return ok(await this.ctx.deadLetters.list(socket.data.session, dto));
  }

  @SubscribeMessage('admin.audit')
  async audit(@ConnectedSocket() socket: HubSocket, @MessageBody() dto: AdminAuditDto) {
    return ok(await this.ctx.audit.page(socket.data.session, dto));
  }

  @SubscribeMessage('admin.replay')
  async replay(@ConnectedSocket() socket: HubSocket, @MessageBody() dto: AdminReplayDto) {
    return ok(
      await this.ctx.deadLetters.replay(socket.data.session, dto.messageId, (letter) =>
        this.ctx.webhooks.replay(letter),
      ),
    );
  }
}
