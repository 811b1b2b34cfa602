import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { TransportModule } from '../transport/transport.module.js';
import { DeadLetterService } from './dead-letter.service.js';
import { DeliveryService } from './delivery.service.js';
import { EnvelopeFactory } from './envelope.factory.js';
import { ReplayHold } from './replay-hold.js';
import { ReplayService } from './replay.service.js';
import { RetentionService } from './retention.service.js';
import { SlowConsumerService } from './slow-consumer.service.js';

/** Publishing, log order, the delivery policy, replay and its hold, retention, dead letters. */
@Module({
  imports: [MetricsModule, TransportModule],
  providers: [
    EnvelopeFactory,
    ReplayHold,
    DeliveryService,
    ReplayService,
    RetentionService,
    DeadLetterService,
    SlowConsumerService,
  ],
  exports: [DeliveryService, ReplayService, DeadLetterService, SlowConsumerService],
})
export class DeliveryModule {}
