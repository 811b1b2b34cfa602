import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { TransportModule } from '../transport/transport.module.js';
import { AdminFeedService } from './admin-feed.service.js';
import { AlertsService } from './alerts.service.js';
import { AuditService } from './audit.service.js';
import { DependencyMonitor } from './dependency.monitor.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';

/** `/health/*`, `/metrics`, alerts, the dependency watch, the admin feed and the audit trail. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), MetricsModule, TransportModule, DeliveryModule],
  controllers: [HealthController, MetricsController],
  providers: [AlertsService, DependencyMonitor, AdminFeedService, AuditService],
  exports: [AlertsService, DependencyMonitor, AdminFeedService, AuditService],
})
export class MonitoringModule {}
