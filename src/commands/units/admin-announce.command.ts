import { Injectable } from '@nestjs/common';
import { AdminAnnounceDto } from '@orderwire/contracts';
import { DeliveryService } from '../../delivery/delivery.service.js';
import { actorOf, type Session } from '../../session/session.js';
import { tenantOf } from '../../session/tenant-scope.js';
import { HubEvents } from '../../util/hub-events.js';
import { ok } from '../ack.js';
import { Command, CurrentSession, Payload, Roles } from '../command.decorators.js';

/** `admin.announce`: a durable notification to the tenant's sessions of the roles named; audited. */
@Injectable()
export class AdminAnnounceCommand {
  constructor(
    private readonly delivery: DeliveryService,
    private readonly events: HubEvents,
  ) {}

  @Command('admin.announce', { forward: true })
  @Roles(['admin'])
  async run(@CurrentSession() session: Session, @Payload() dto: AdminAnnounceDto) {
    const envelope = await this.delivery.publish({
      type: 'notification',
      tenantId: tenantOf(session, dto.tenantId),
      data: { level: dto.level, message: dto.message },
      sender: { id: session.userId, type: 'admin' },
      audience: { roles: dto.audience },
    });
    void this.events.emit('audit', {
      tenantId: envelope.tenantId,
      actor: actorOf(session),
      action: 'admin.announce',
      details: { audience: dto.audience, level: dto.level, message: dto.message, messageId: envelope.id },
    });
    return ok({ id: envelope.id });
  }
}
