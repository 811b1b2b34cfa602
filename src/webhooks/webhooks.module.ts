import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { WebhookDecisions } from './webhook-decisions.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Webhooks to the operator's backends (docs/protocol.md section 12), and the deciding webhooks
 * (WebhookDecisions), which the orders module binds as its gate.
 */
@Module({
  imports: [MetricsModule],
  providers: [WebhooksService, WebhookDecisions],
  exports: [WebhooksService, WebhookDecisions],
})
export class WebhooksModule {}
