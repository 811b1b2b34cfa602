import { type HubLogger, InjectLogger } from '../util/logging.js';
import { GatewayContext } from './gateway.context.js';
import { HubGateway } from './hub-gateway.decorator.js';
import { RoleGateway } from './role.gateway.js';

/** `/crew`: kitchen, front and couriers work the order queue. */
@HubGateway('crew')
export class CrewGateway extends RoleGateway {
  protected readonly role = 'crew' as const;

  constructor(ctx: GatewayContext, @InjectLogger(CrewGateway.name) logger: HubLogger) {
    super(ctx, logger);
  }
}
