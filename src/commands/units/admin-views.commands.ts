import { Injectable } from '@nestjs/common';
import { AdminAuditDto, EmptyCommandDto } from '@orderwire/contracts';
import { AdminFeedService } from '../../monitoring/admin-feed.service.js';
import { AuditService } from '../../monitoring/audit.service.js';
import type { Session } from '../../session/session.js';
import { ok } from '../ack.js';
import { Command, CurrentSession, Payload, Roles } from '../command.decorators.js';

/** `metrics.snapshot` and `admin.audit`: what the admin console reads. */
@Injectable()
export class AdminViewCommands {
  constructor(
    private readonly feed: AdminFeedService,
    private readonly audit: AuditService,
  ) {}

  @Command('metrics.snapshot')
  @Roles(['admin'])
  async metrics(@CurrentSession() session: Session, @Payload() _dto: EmptyCommandDto) {
    return ok(await this.feed.snapshot(session.tenantId));
  }

  @Command('admin.audit')
  @Roles(['admin'])
  async page(@CurrentSession() session: Session, @Payload() dto: AdminAuditDto) {
    return ok(await this.audit.page(session, dto));
  }
}
