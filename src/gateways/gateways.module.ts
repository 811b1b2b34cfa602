import { Module, type OnModuleInit } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CommandLane } from '../commands/command-lane.js';
import { CommandsModule } from '../commands/commands.module.js';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MonitoringModule } from '../monitoring/monitoring.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { TransportModule } from '../transport/transport.module.js';
import { AdminGateway } from './admin.gateway.js';
import { commandMapProblems } from './command-map.js';
import { ConnectionService } from './connection.service.js';
import { CrewGateway } from './crew.gateway.js';
import { CustomerGateway } from './customer.gateway.js';
import { GatewayContext } from './gateway.context.js';
import { ShutdownService } from './shutdown.service.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';

const GATEWAYS = [CustomerGateway, CrewGateway, AdminGateway];

/**
 * The role namespaces' gateways, the connection lifecycle and the drain on shutdown. Loading this
 * module checks the gateways against COMMANDS (command-map.ts) at init: the hub does not start on
 * a drift.
 */
@Module({
  imports: [
    MetricsModule,
    TransportModule,
    DeliveryModule,
    MonitoringModule,
    OrdersModule,
    WebhooksModule,
    AuthModule,
    CommandsModule,
  ],
  // CommandLane here: it takes the enhancers Nest made for this module's gateways.
  providers: [ConnectionService, GatewayContext, ShutdownService, CommandLane, ...GATEWAYS],
})
export class GatewaysModule implements OnModuleInit {
  onModuleInit(): void {
    const mismatches = commandMapProblems(GATEWAYS);
    if (mismatches.length) throw new Error(`the gateways do not match COMMANDS:\n${mismatches.join('\n')}`);
  }
}
