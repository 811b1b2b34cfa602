import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MonitoringModule } from '../monitoring/monitoring.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { CommandForwardInterceptor } from './command-forward.interceptor.js';
import { CommandLog, CommandLogInterceptor } from './command-log.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { OrderSerialInterceptor } from './order-serial.interceptor.js';
import { RateLimitInterceptor } from './rate-limit.interceptor.js';
import { RateLimiter } from './rate-limiter.js';
import { RolesGuard } from './roles.guard.js';
import { SessionGuard } from './session.guard.js';

const PIPELINE = [
  RateLimiter,
  CommandLog,
  SessionGuard,
  RolesGuard,
  CommandLogInterceptor,
  RateLimitInterceptor,
  OrderSerialInterceptor,
  CommandForwardInterceptor,
  IdempotencyInterceptor,
];

/**
 * The command pipeline (command-pipeline.ts). The units' gateways bind the
 * pipeline's enhancers by class; Nest builds them in the gateways' module, from what this module
 * exports, and the units' services come from the modules it re-exports.
 */
@Module({
  imports: [MetricsModule, DeliveryModule, MonitoringModule, WebhooksModule, OrdersModule, AuthModule],
  providers: PIPELINE,
  exports: [...PIPELINE, DeliveryModule, MonitoringModule, WebhooksModule, OrdersModule, AuthModule],
})
export class CommandsModule {}
