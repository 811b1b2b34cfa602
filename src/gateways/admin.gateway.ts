import { type HubLogger, InjectLogger } from '../util/logging.js';
import { GatewayContext } from './gateway.context.js';
import { HubGateway } from './hub-gateway.decorator.js';
import { RoleGateway } from './role.gateway.js';

/** `/admin`: admins watch and run the operation. */
@HubGateway('admin')
export class AdminGateway extends RoleGateway {
  protected readonly role = 'admin' as const;

  constructor(ctx: GatewayContext, @InjectLogger(AdminGateway.name) logger: HubLogger) {
    super(ctx, logger);
  }
}
