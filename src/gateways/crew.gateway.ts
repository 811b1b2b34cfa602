import { HandshakeMiddleware } from './handshake.middleware.js';
import { HubServer } from '../transport/hub-server.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { ConnectionService } from './connection.service.js';
import { HubGateway } from './hub-gateway.decorator.js';
import { RoleGateway } from './role.gateway.js';

/** `/crew`: kitchen, front and couriers work the order queue. */
@HubGateway('crew')
export class CrewGateway extends RoleGateway {
  protected readonly role = 'crew' as const;

  constructor(
    handshake: HandshakeMiddleware,
    server: HubServer,
    connections: ConnectionService,
    @InjectLogger(CrewGateway.name) logger: HubLogger,
  ) {
    super(handshake, server, connections, logger);
  }
}
