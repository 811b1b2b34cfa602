import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { MonitoringModule } from '../monitoring/monitoring.module.js';
import { TransportModule } from '../transport/transport.module.js';
import { WebhookDecisions } from '../webhooks/webhook-decisions.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { ORDER_GATE, type OrderGate } from './order-gate.js';
import { OrderSlaService } from './order-sla.service.js';
import { MenuService } from './menu.service.js';
import { OrdersService } from './orders.service.js';
import { CourierService } from './courier.service.js';
import { HandoffService } from './handoff.service.js';
import { OrderEscalationService } from './order-escalation.service.js';
import { KitchenLoadService } from './kitchen-load.service.js';
import { StoreStatusService } from './store-status.service.js';
import { OrderPlacementService } from './order-placement.service.js';
import { ScheduledOrdersService } from './scheduled-orders.service.js';
import { KitchenLinesService } from './kitchen-lines.service.js';
import { ServiceEventsService } from './service-events.service.js';
import { DayBookService } from './day-book.service.js';

/**
 * The live order board, the status machine, the acceptance SLA and the menu that prices orders.
 * Orders pass the deciding webhooks before they are stored: ORDER_GATE is bound here.
 */
@Module({
  imports: [DeliveryModule, MonitoringModule, WebhooksModule, TransportModule, MetricsModule],
  providers: [
    OrdersService,
    CourierService,
    HandoffService,
    OrderEscalationService,
    KitchenLoadService,
    StoreStatusService,
    OrderPlacementService,
    ScheduledOrdersService,
    KitchenLinesService,
    OrderSlaService,
    MenuService,
    ServiceEventsService,
    DayBookService,
    {
      provide: ORDER_GATE,
      useFactory: (decisions: WebhookDecisions): OrderGate => decisions,
      inject: [WebhookDecisions],
    },
  ],
  exports: [
    OrdersService,
    OrderPlacementService,
    KitchenLinesService,
    CourierService,
    StoreStatusService,
    MenuService,
    ServiceEventsService,
    DayBookService,
  ],
})
export class OrdersModule {}
