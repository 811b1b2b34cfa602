import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { MonitoringModule } from '../monitoring/monitoring.module.js';
import { OrderSlaService } from './order-sla.service.js';
import { OrdersService } from './orders.service.js';

/** The live order board, the status machine and the acceptance SLA. */
@Module({
  imports: [DeliveryModule, MonitoringModule],
  providers: [OrdersService, OrderSlaService],
  exports: [OrdersService],
})
export class OrdersModule {}
