import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MonitoringModule } from '../monitoring/monitoring.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { CommandForwardInterceptor } from './command-forward.interceptor.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { PacketMiddleware } from './packet.middleware.js';
import { RateLimiter } from './rate-limiter.js';

const PIPELINE = [RateLimiter, PacketMiddleware, CommandForwardInterceptor, IdempotencyInterceptor];

/**
 * The command pipeline. The gateways bind its enhancers by class (HubGateway); Nest builds them
 * in the gateways' module, from what this module exports (and MonitoringModule's DependencyMonitor
 * for the exception filter).
 */
@Module({
  imports: [MetricsModule, DeliveryModule, MonitoringModule, WebhooksModule],
  providers: PIPELINE,
  exports: [...PIPELINE, DeliveryModule, MonitoringModule, WebhooksModule],
})
export class CommandsModule {}
