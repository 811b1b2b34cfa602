import { Injectable, type Type } from '@nestjs/common';
import type { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit } from '@nestjs/websockets';
import { WebSocketGateway } from '@nestjs/websockets';
import { NAMESPACES, ROLES, type Role } from '@orderwire/contracts';
import { HubServer, type HubNamespace, type HubSocket } from '../transport/hub-server.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { ConnectionService } from './connection.service.js';
import { HandshakeMiddleware } from './handshake.middleware.js';

/**
 * What every role namespace has: the handshake middleware and the connection lifecycle. Commands
 * are not here: each is a unit (commands/units), served on the namespaces of its roles
 * (unit-gateways.ts). One gateway per role of ROLES (roleGateways): a role added to the contracts
 * has its namespace without a file of its own.
 */
@Injectable()
export class RoleGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  protected readonly role!: Role;

  constructor(
    private readonly handshake: HandshakeMiddleware,
    private readonly server: HubServer,
    private readonly connections: ConnectionService,
    @InjectLogger('Gateway') protected readonly logger: HubLogger,
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

/** The gateway of each role's namespace: `CustomerGateway` on `/customer`, and so on. */
export function roleGateways(): Array<Type<RoleGateway>> {
  return ROLES.map((role) => {
    const name = `${role[0]!.toUpperCase()}${role.slice(1)}Gateway`;
    const gateway = {
      [name]: class extends RoleGateway {
        protected override readonly role = role;
      },
    }[name]!;
    WebSocketGateway({ namespace: NAMESPACES[role] })(gateway);
    return gateway;
  });
}
