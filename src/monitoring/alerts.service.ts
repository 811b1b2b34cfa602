import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { AlertCode, AlertSeverity } from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { HubEvents } from '../util/hub-events.js';

/** `system.alert` to the tenant's admins and the platform admins (durable). */
@Injectable()
export class AlertsService implements OnModuleInit {
  constructor(
    @InjectLogger(AlertsService.name) private readonly logger: HubLogger,
    private readonly delivery: DeliveryService,
    private readonly events: HubEvents,
  ) {}

  onModuleInit(): void {
    this.events.on('delivery.dead_lettered', ({ letter, envelope }) => {
      // An alert about an undeliverable DELIVERY_FAILED alert would loop: log it instead.
      if (envelope.type === 'system.alert' && (envelope.data as { code?: string }).code === 'DELIVERY_FAILED')
        return;
      void this.raise(
        letter.tenantId,
        'DELIVERY_FAILED',
        'warning',
        `a ${letter.type} message was not acknowledged`,
        {
          messageId: letter.messageId,
          type: letter.type,
          recipients: letter.recipients,
          attempts: letter.attempts,
        },
      );
    });
  }

  async raise(
    tenantId: string,
    code: AlertCode,
    severity: AlertSeverity,
    message: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    this.logger.warn({ tenantId, code, details }, message);
    // Kept in the trail too, so that an admin who connects later sees recent alerts.
    void this.events.emit('audit', {
      tenantId,
      actor: { id: 'orderwire', type: 'system' },
      action: 'alert',
      details: { code, severity, message, ...details },
    });
    try {
      await this.delivery.publish({
        type: 'system.alert',
        tenantId,
        data: { code, severity, message, details },
        audience: {},
      });
    } catch (err) {
      this.logger.error({ err, code }, 'could not publish the alert');
    }
  }
}
