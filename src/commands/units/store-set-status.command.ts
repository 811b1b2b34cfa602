import { Injectable } from '@nestjs/common';
import { StoreSetStatusDto } from '@orderwire/contracts';
import { AdminFeedService } from '../../monitoring/admin-feed.service.js';
import { StoreStatusService } from '../../orders/store-status.service.js';
import type { Session } from '../../session/session.js';
import { ok } from '../ack.js';
import { Command, CrewRoles, CurrentSession, Payload, Roles } from '../command.decorators.js';

/** `store.set_status`: the front of house or an admin opens, pauses, closes the store or marks it busy. */
@Injectable()
export class StoreSetStatusCommand {
  constructor(
    private readonly store: StoreStatusService,
    private readonly feed: AdminFeedService,
  ) {}

  @Command('store.set_status', { forward: true })
  @Roles(['crew', 'admin'])
  @CrewRoles(['front'])
  async run(@CurrentSession() session: Session, @Payload() dto: StoreSetStatusDto) {
    const reply = await this.store.set(session, dto);
    if (session.role === 'crew') this.feed.activity(session, `store.${reply.status}`);
    return ok(reply);
  }
}
