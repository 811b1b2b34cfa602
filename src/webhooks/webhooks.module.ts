import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { WebhooksService } from './webhooks.service.js';

/** Webhooks to the operator's backends (docs/protocol.md section 12). */
@Module({
  imports: [MetricsModule],
  providers: [WebhooksService],
  exports: [WebhooksService],
})
export class WebhooksModule {}
