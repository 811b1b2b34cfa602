import { HandshakeMiddleware } from './handshake.middleware.js';
import { HubServer } from '../transport/hub-server.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { ConnectionService } from './connection.service.js';
import { HubGateway } from './hub-gateway.decorator.js';
import { RoleGateway } from './role.gateway.js';

/** `/admin`: admins watch and run the operation. */
@HubGateway('admin')
export class AdminGateway extends RoleGateway {
  protected readonly role = 'admin' as const;

  constructor(
    handshake: HandshakeMiddleware,
    server: HubServer,
    connections: ConnectionService,
    @InjectLogger(AdminGateway.name) logger: HubLogger,
  ) {
    super(handshake, server, connections, logger);
  }
}
