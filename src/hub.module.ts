import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { CommandsModule } from './commands/commands.module.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { ConsoleController } from './console/console.controller.js';
import { DeliveryModule } from './delivery/delivery.module.js';
import { EngineModule } from './engine/engine.module.js';
import { GatewaysModule } from './gateways/gateways.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { MonitoringModule } from './monitoring/monitoring.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { PublishModule } from './publish/publish.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { TransportModule } from './transport/transport.module.js';
import { DrainState } from './util/drain.state.js';
import { HubEvents } from './util/hub-events.js';
import { LoggingModule } from './util/logging.js';

/**
 * What every module of the hub may inject without importing it, and nothing more: the validated
 * config, the event bus and the drain flag (the engine's EngineModule and the loggers are global
 * too). No feature is here: each feature module imports the modules it uses.
 */
@Global()
@Module({})
class HubCoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers = [{ provide: APP_CONFIG, useValue: config }, HubEvents, DrainState];
    return { module: HubCoreModule, providers, exports: [APP_CONFIG, HubEvents, DrainState] };
  }
}

/**
 * The hub's in-process port for a RealtimeModule living in the same process (a Nest service
 * started with createHub's `imports`): PublishModule, which exports IN_PROCESS_HUB and nothing
 * else, made global because that module is the service's, not the hub's, and cannot import it.
 */
@Global()
@Module({ imports: [PublishModule], exports: [PublishModule] })
class InProcessHubModule {}

/**
 * The hub, configured once from a validated AppConfig: the composition root. It imports the
 * feature modules (one per folder of src, each importing only modules below it, as the folders do)
 * and exports none of them.
 */
@Module({})
export class HubModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: HubModule,
      imports: [
        HubCoreModule.forRoot(config),
        LoggingModule.forRoot(config.log),
        EngineModule.forRoot(config),
        MetricsModule,
        TransportModule,
        DeliveryModule,
        MonitoringModule,
        WebhooksModule,
        OrdersModule,
        AuthModule,
        CommandsModule,
        GatewaysModule,
        PublishModule,
        InProcessHubModule,
      ],
      controllers: [ConsoleController],
    };
  }
}
