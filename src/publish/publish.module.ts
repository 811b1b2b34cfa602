import { Module } from '@nestjs/common';
import { IN_PROCESS_HUB } from '@orderwire/realtime';
import { AuthModule } from '../auth/auth.module.js';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { PublishController } from './publish.controller.js';
import { PublishService } from './publish.service.js';

/** `POST /api/v1/events`, and the in-process hub a RealtimeModule in this process talks to. */
@Module({
  imports: [MetricsModule, DeliveryModule, OrdersModule, AuthModule],
  controllers: [PublishController],
  providers: [PublishService, { provide: IN_PROCESS_HUB, useExisting: PublishService }],
  exports: [IN_PROCESS_HUB],
})
export class PublishModule {}
