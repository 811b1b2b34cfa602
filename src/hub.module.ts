import { type DynamicModule, Module } from '@nestjs/common';
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
 * The hub, configured once from a validated AppConfig: the feature modules (one per folder of
 * src, each importing only modules below it, as the folders do) and what every one of them may
 * inject — the config, the event bus, the drain flag and the engine (EngineModule is global).
 */
@Module({})
export class HubModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: HubModule,
      // Global, so that a RealtimeModule living in the hub process finds IN_PROCESS_HUB, and the
      // feature modules the config, the event bus and the drain flag.
      global: true,
      imports: [
        LoggingModule.forRoot(config.log),
        EngineModule.forRoot(config),
        MetricsModule,
        TransportModule,
        DeliveryModule,
        MonitoringModule,
        OrdersModule,
        WebhooksModule,
        AuthModule,
        CommandsModule,
        GatewaysModule,
        PublishModule,
      ],
      controllers: [ConsoleController],
      providers: [{ provide: APP_CONFIG, useValue: config }, HubEvents, DrainState],
      exports: [
        APP_CONFIG,
        HubEvents,
        DrainState,
        DeliveryModule,
        OrdersModule,
        WebhooksModule,
        MetricsModule,
        PublishModule,
      ],
    };
  }
}
