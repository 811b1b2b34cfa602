import type { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit } from '@nestjs/websockets';
import type { Role } from '@orderwire/contracts';
import type { HandshakeMiddleware } from './handshake.middleware.js';
import type { HubLogger } from '../util/logging.js';
import type { HubNamespace, HubServer, HubSocket } from '../transport/hub-server.js';
import type { ConnectionService } from './connection.service.js';

/**
 * What every role namespace has: the handshake middleware and the connection lifecycle. Commands
 * are not here: each is a unit (commands/units), served on the namespaces of its roles.
 */
export abstract class RoleGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  protected abstract readonly role: Role;

  protected constructor(
    private readonly handshake: HandshakeMiddleware,
    private readonly server: HubServer,
    private readonly connections: ConnectionService,
    protected readonly logger: HubLogger,
  ) {}

  afterInit(nsp: HubNamespace): void {
    this.server.attach(this.role, nsp);
    nsp.use(this.handshake.for(this.role));
  }

  handleConnection(socket: HubSocket): void {
    this.connections.connected(socket).catch((err: unknown) => {
      this.logger.error({ err, sessionId: socket.data.session?.sessionId }, 'connection setup failed');
      socket.disconnect(true);
    });
  }

  handleDisconnect(socket: HubSocket): void {
    this.connections.disconnected(socket).catch((err: unknown) => {
      this.logger.error({ err }, 'disconnect cleanup failed');
    });
  }
}
