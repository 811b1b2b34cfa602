import type { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit } from '@nestjs/websockets';
import { ConnectedSocket, MessageBody, SubscribeMessage } from '@nestjs/websockets';
import type { Role } from '@orderwire/contracts';
import { AuthRefreshDto, HeartbeatDto, OrderCancelDto, SyncDto } from '@orderwire/contracts';
import type { HubLogger } from '../util/logging.js';
import { type AckSuccess, ok } from '../commands/ack.js';
import type { HubNamespace, HubSocket } from '../transport/hub-server.js';
import type { GatewayContext } from './gateway.context.js';

/**
 * What every role namespace shares: the handshake middleware, the connection lifecycle, and the
 * commands of all roles (heartbeat, auth.refresh, sync, order.cancel). Each command method parses
 * (the pipe) the DTO that COMMANDS names for it (checked at boot, see command-map.ts) and calls a
 * service.
 */
export abstract class RoleGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  protected abstract readonly role: Role;

  protected constructor(
    protected readonly ctx: GatewayContext,
    protected readonly logger: HubLogger,
  ) {}

  afterInit(nsp: HubNamespace): void {
    this.ctx.server.attach(this.role, nsp);
    nsp.use(this.ctx.handshake.for(this.role));
    this.ctx.lane.register(nsp.name, this);
  }

  handleConnection(socket: HubSocket): void {
    this.ctx.connections.connected(socket).catch((err: unknown) => {
      this.logger.error({ err, sessionId: socket.data.session?.sessionId }, 'connection setup failed');
      socket.disconnect(true);
    });
  }

  handleDisconnect(socket: HubSocket): void {
    this.ctx.connections.disconnected(socket).catch((err: unknown) => {
      this.logger.error({ err }, 'disconnect cleanup failed');
    });
  }

  @SubscribeMessage('heartbeat')
  heartbeat(@MessageBody() _dto: HeartbeatDto): AckSuccess<{ serverTime: number }> {
    return ok({ serverTime: Date.now() });
  }

  @SubscribeMessage('auth.refresh')
  async refresh(@ConnectedSocket() socket: HubSocket, @MessageBody() dto: AuthRefreshDto) {
    return ok(await this.ctx.connections.refresh(socket, dto.token));
  }

  @SubscribeMessage('sync')
  async sync(@ConnectedSocket() socket: HubSocket, @MessageBody() dto: SyncDto) {
    return ok(await this.ctx.replays.replay(socket, dto.cursor));
  }

  @SubscribeMessage('order.cancel')
  async cancel(@ConnectedSocket() socket: HubSocket, @MessageBody() dto: OrderCancelDto) {
    return ok(await this.ctx.orders.cancel(socket.data.session, dto));
  }
}
