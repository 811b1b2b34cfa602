import type { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit } from '@nestjs/websockets';
import type { Role } from '@orderwire/contracts';
import type { HubLogger } from '../util/logging.js';
import type { HubNamespace, HubSocket } from '../transport/hub-server.js';
import type { GatewayContext } from './gateway.context.js';

/**
 * What every role namespace has: the handshake middleware and the connection lifecycle. Commands
 * are not here: each is a unit (commands/units), served on the namespaces of its roles.
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
}
