import { Module, type OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, ModuleRef } from '@nestjs/core';
import { NAMESPACES } from '@orderwire/contracts';
import { AuthModule } from '../auth/auth.module.js';
import { CommandLane } from '../commands/command-lane.js';
import { commandHandlers } from '../commands/command.decorators.js';
import { commandUnitProblems } from '../commands/command-units.js';
import { CommandsModule } from '../commands/commands.module.js';
import { COMMAND_UNITS } from '../commands/units/index.js';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MonitoringModule } from '../monitoring/monitoring.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { TransportModule } from '../transport/transport.module.js';
import { Admission } from './admission.js';
import { ConnectionService } from './connection.service.js';
import { HandshakeMiddleware } from './handshake.middleware.js';
import { roleGateways } from './role-gateways.js';
import { ShutdownService } from './shutdown.service.js';
import { WelcomeService } from './welcome.service.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';

const ROLE_GATEWAYS = roleGateways(COMMAND_UNITS);

/**
 * The role namespaces: a gateway per role with its command units' handlers (role-gateways.ts), the
 * units themselves, the connection lifecycle and the drain on shutdown. At init it checks the
 * command units against COMMANDS (every provider of the app that declares @Command handlers, so a
 * unit outside COMMAND_UNITS is seen too): the hub does not start on a drift, or on a command
 * declared without @Roles. Then it puts the gateways' handlers on the command lane.
 */
@Module({
  imports: [
    DiscoveryModule,
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
  providers: [
    Admission,
    HandshakeMiddleware,
    ConnectionService,
    WelcomeService,
    ShutdownService,
    CommandLane,
    ...COMMAND_UNITS,
    ...ROLE_GATEWAYS.map((g) => g.gateway),
  ],
})
export class GatewaysModule implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly lane: CommandLane,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    const gateways = new Set<unknown>(ROLE_GATEWAYS.map((g) => g.gateway));
    const elsewhere = this.discovery
      .getProviders()
      .map((p) => p.metatype)
      .filter((t): t is NonNullable<typeof t> & (new () => unknown) => typeof t === 'function')
      .filter((t) => !gateways.has(t) && !COMMAND_UNITS.includes(t as never) && commandHandlers(t).size > 0);
    const problems = commandUnitProblems([...COMMAND_UNITS, ...elsewhere]);
    if (problems.length) throw new Error(`the command units do not match COMMANDS:\n${problems.join('\n')}`);
    for (const { role, gateway } of ROLE_GATEWAYS)
      this.lane.register(NAMESPACES[role], this.moduleRef.get(gateway, { strict: true }));
  }
}
