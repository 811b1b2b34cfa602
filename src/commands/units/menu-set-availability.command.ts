import { Injectable } from '@nestjs/common';
import { MenuSetAvailabilityDto } from '@orderwire/contracts';
import { AdminFeedService } from '../../monitoring/admin-feed.service.js';
import { MenuService } from '../../orders/menu.service.js';
import type { Session } from '../../session/session.js';
import { ok } from '../ack.js';
import { Command, CrewRoles, CurrentSession, Payload, Roles } from '../command.decorators.js';

/** `menu.set_availability`: the kitchen or the front marks an item sold out, or back. */
@Injectable()
export class MenuSetAvailabilityCommand {
  constructor(
    private readonly menus: MenuService,
    private readonly feed: AdminFeedService,
  ) {}

  @Command('menu.set_availability', { forward: true })
  @Roles(['crew', 'admin'])
  @CrewRoles(['kitchen', 'front'])
  async run(@CurrentSession() session: Session, @Payload() dto: MenuSetAvailabilityDto) {
    const reply = await this.menus.setAvailability(session, dto);
    if (session.role === 'crew')
      this.feed.activity(session, `menu.${dto.available ? 'available' : 'unavailable'}`);
    return ok(reply);
  }
}
