import { Injectable, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit } from '@nestjs/websockets';
import type { Role } from '@orderwire/contracts';
import { HubServer, type HubNamespace, type HubSocket } from '../transport/hub-server.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { ConnectionService } from './connection.service.js';
import { HandshakeMiddleware } from './handshake.middleware.js';

/**
 * A role's namespace: the handshake middleware, the connection lifecycle, and (role-gateways.ts)
 * the handlers of the command units whose @Roles name the role, each handing the command to its
 * unit. One class per role of ROLES.
 */
@Injectable()
export class RoleGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  protected readonly role!: Role;
  private readonly units = new Map<Type<unknown>, object>();

  constructor(
    private readonly handshake: HandshakeMiddleware,
    private readonly server: HubServer,
    private readonly connections: ConnectionService,
    private readonly moduleRef: ModuleRef,
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

  /** The instance Nest made of a command unit (a provider of the gateways' module). */
  unit<T extends object>(type: Type<T>): T {
    const known = this.units.get(type) as T | undefined;
    if (known) return known;
    const unit = this.moduleRef.get(type, { strict: false });
    this.units.set(type, unit);
    return unit;
  }
}
