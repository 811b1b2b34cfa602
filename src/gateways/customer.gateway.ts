import { type HubLogger, InjectLogger } from '../util/logging.js';
import { GatewayContext } from './gateway.context.js';
import { HubGateway } from './hub-gateway.decorator.js';
import { RoleGateway } from './role.gateway.js';

/** `/customer`: customers place orders and follow them. */
@HubGateway('customer')
export class CustomerGateway extends RoleGateway {
  protected readonly role = 'customer' as const;

  constructor(ctx: GatewayContext, @InjectLogger(CustomerGateway.name) logger: HubLogger) {
    super(ctx, logger);
  }
}
