import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { HandshakeMiddleware } from './auth/handshake.middleware.js';
import { JwtVerifier } from './auth/jwt-verifier.service.js';
import { OriginPolicy } from './auth/origin.policy.js';
import { SessionControlService } from './auth/session-control.service.js';
import { CommandForwardInterceptor } from './commands/command-forward.interceptor.js';
import { IdempotencyInterceptor } from './commands/idempotency.interceptor.js';
import { WsLoggingInterceptor } from './commands/ws-logging.interceptor.js';
import { WsRateLimitInterceptor } from './commands/ws-rate-limit.interceptor.js';
import { DrainState } from './util/drain.state.js';
import { PacketMiddleware } from './commands/packet.middleware.js';
import { RateLimiter } from './commands/rate-limiter.js';
import { ShutdownService } from './gateways/shutdown.service.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { ConsoleController } from './console/console.controller.js';
import { SlowConsumerService } from './delivery/slow-consumer.service.js';
import { DeadLetterService } from './delivery/dead-letter.service.js';
import { DeliveryService } from './delivery/delivery.service.js';
import { EnvelopeFactory } from './delivery/envelope.factory.js';
import { HubEvents } from './util/hub-events.js';
import { HubServer } from './transport/hub-server.js';
import { ReplayHold } from './delivery/replay-hold.js';
import { ReplayService } from './delivery/replay.service.js';
import { RetentionService } from './delivery/retention.service.js';
import { EngineModule } from './engine/engine.module.js';
import { AdminGateway } from './gateways/admin.gateway.js';
import { commandMapProblems } from './gateways/command-map.js';
import { ConnectionService } from './gateways/connection.service.js';
import { CrewGateway } from './gateways/crew.gateway.js';
import { CustomerGateway } from './gateways/customer.gateway.js';
import { GatewayContext } from './gateways/gateway.context.js';
import { AdminFeedService } from './monitoring/admin-feed.service.js';
import { AlertsService } from './monitoring/alerts.service.js';
import { DependencyMonitor } from './monitoring/dependency.monitor.js';
import { HealthController } from './monitoring/health.controller.js';
import { MetricsController } from './monitoring/metrics.controller.js';
import { MetricsService } from './metrics/metrics.service.js';
import { OrderSlaService } from './orders/order-sla.service.js';
import { OrdersService } from './orders/orders.service.js';
import { PublishController } from './publish/publish.controller.js';
import { PublishService } from './publish/publish.service.js';
import { IN_PROCESS_HUB } from '@orderwire/realtime';

const GATEWAYS = [CustomerGateway, CrewGateway, AdminGateway];

/** The hub: one module, configured once from a validated AppConfig. */
@Module({})
export class HubModule {
  static forRoot(config: AppConfig): DynamicModule {
    const mismatches = commandMapProblems(GATEWAYS);
    if (mismatches.length) throw new Error(`the gateways do not match COMMANDS:\n${mismatches.join('\n')}`);
    return {
      module: HubModule,
      // Global, so that a RealtimeModule living in the hub process finds IN_PROCESS_HUB.
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.log.level,
            autoLogging: false,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            ...(config.log.format === 'pretty'
              ? { transport: { target: 'pino-pretty', options: { singleLine: true } } }
              : {}),
          },
        }),
        TerminusModule.forRoot({ logger: false }),
        EngineModule.forRoot(config),
      ],
      controllers: [HealthController, MetricsController, PublishController, ConsoleController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        JwtVerifier,
        OriginPolicy,
        HandshakeMiddleware,
        SessionControlService,
        DrainState,
        RateLimiter,
        WsLoggingInterceptor,
        WsRateLimitInterceptor,
        CommandForwardInterceptor,
        IdempotencyInterceptor,
        PacketMiddleware,
        ShutdownService,
        HubEvents,
        HubServer,
        ReplayHold,
        EnvelopeFactory,
        DeliveryService,
        ReplayService,
        RetentionService,
        DeadLetterService,
        SlowConsumerService,
        MetricsService,
        AlertsService,
        DependencyMonitor,
        AdminFeedService,
        OrdersService,
        OrderSlaService,
        PublishService,
        { provide: IN_PROCESS_HUB, useExisting: PublishService },
        ConnectionService,
        GatewayContext,
        ...GATEWAYS,
      ],
      exports: [
        APP_CONFIG,
        DeliveryService,
        OrdersService,
        MetricsService,
        SlowConsumerService,
        IN_PROCESS_HUB,
      ],
    };
  }
}
