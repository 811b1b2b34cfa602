import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { MonitoringModule } from '../monitoring/monitoring.module.js';
import { OrderSlaService } from './order-sla.service.js';
import { MenuService } from './menu.service.js';
import { OrdersService } from './orders.service.js';
import { ServiceEventsService } from './service-events.service.js';

/** The live order board, the status machine, the acceptance SLA and the menu that prices orders. */
@Module({
  imports: [DeliveryModule, MonitoringModule],
  providers: [OrdersService, OrderSlaService, MenuService, ServiceEventsService],
  exports: [OrdersService, MenuService, ServiceEventsService],
})
export class OrdersModule {}
