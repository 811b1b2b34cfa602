import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ORDER_GATE } from '../orders/order-gate.js';
import { WebhookDecisions } from './webhook-decisions.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Webhooks to the operator's backends (docs/protocol.md section 12). Provides the orders' gate
 * (ORDER_GATE: the deciding webhooks); the hub module exports it to every module.
 */
@Module({
  imports: [MetricsModule],
  providers: [WebhooksService, WebhookDecisions, { provide: ORDER_GATE, useExisting: WebhookDecisions }],
  exports: [WebhooksService, ORDER_GATE],
})
export class WebhooksModule {}
