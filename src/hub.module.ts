import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
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
import { TransportModule } from './transport/transport.module.js';
import { DrainState } from './util/drain.state.js';
import { HubEvents } from './util/hub-events.js';

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
        LoggerModule.forRoot({
          // No per-request middleware: nestjs-pino's runs every request in an AsyncLocalStorage,
          // and on Node 20 the first one turns on promise hooks for the whole process for good
          // (one HTTP request, a health probe, cost every later command ~25 % more CPU:
          // async_hooks were a fifth of the order.place profile). Request logs are off anyway
          // (autoLogging); the HTTP handlers log their own fields.
          forRoutes: [],
          pinoHttp: {
            level: config.log.level,
            autoLogging: false,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            ...(config.log.format === 'pretty'
              ? { transport: { target: 'pino-pretty', options: { singleLine: true } } }
              : {}),
          },
        }),
        EngineModule.forRoot(config),
        MetricsModule,
        TransportModule,
        DeliveryModule,
        MonitoringModule,
        OrdersModule,
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
        MetricsModule,
        PublishModule,
      ],
    };
  }
}
