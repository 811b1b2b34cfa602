import { HandshakeMiddleware } from './handshake.middleware.js';
import { HubServer } from '../transport/hub-server.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { ConnectionService } from './connection.service.js';
import { HubGateway } from './hub-gateway.decorator.js';
import { RoleGateway } from './role.gateway.js';

/** `/customer`: customers place orders and follow them. */
@HubGateway('customer')
export class CustomerGateway extends RoleGateway {
  protected readonly role = 'customer' as const;

  constructor(
    handshake: HandshakeMiddleware,
    server: HubServer,
    connections: ConnectionService,
    @InjectLogger(CustomerGateway.name) logger: HubLogger,
  ) {
    super(handshake, server, connections, logger);
  }
}
