import { Module } from '@nestjs/common';
import { MetricsService } from './metrics.service.js';

/** The Prometheus registry and the hub's series. */
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
