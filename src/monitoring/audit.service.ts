import { Inject, Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import type { AdminAuditDto, AuditPage } from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { AUDIT_STORE } from '../engine/engine.tokens.js';
import type { AuditStore } from '../engine/audit-store.js';
import type { Session } from '../session/session.js';
import { tenantOf } from '../session/tenant-scope.js';
import { CLOCK, type Clock, systemClock } from '../util/clock.js';
import { HubEvents } from '../util/hub-events.js';

/**
 * Each tenant's audit trail (docs/protocol.md section 11): every `audit` event of the hub
 * (orders placed and moved, payments, menu changes, announcements, disconnects, replays of dead
 * letters, alerts) is appended with its time; admins page it with `admin.audit`. Appending is in
 * the background: a trail that cannot be written (Redis away) is logged, never fails the command.
 */
@Injectable()
export class AuditService implements OnModuleInit {
  constructor(
    @InjectLogger(AuditService.name) private readonly logger: HubLogger,
    @Inject(AUDIT_STORE) private readonly store: AuditStore,
    private readonly events: HubEvents,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  onModuleInit(): void {
    this.events.on('audit', (entry) => {
      this.store
        // The hub's clock, as for the orders' own times: an entry and the change it records agree.
        .append({ ...entry, at: new Date(this.clock.now()).toISOString() })
        .catch((err: unknown) =>
          this.logger.error(
            { err, action: entry.action, tenantId: entry.tenantId },
            'an audit entry was not written',
          ),
        );
    });
  }

  page(session: Session, dto: AdminAuditDto): Promise<AuditPage> {
    return this.store.page(tenantOf(session, dto.tenantId), {
      orderId: dto.orderId,
      userId: dto.userId,
      action: dto.action,
      before: dto.before,
      limit: dto.limit ?? 50,
    });
  }
}
