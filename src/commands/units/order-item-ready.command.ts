import { Injectable } from '@nestjs/common';
import { OrderItemReadyDto } from '@orderwire/contracts';
import { AdminFeedService } from '../../monitoring/admin-feed.service.js';
import { KitchenLinesService } from '../../orders/kitchen-lines.service.js';
import type { Session } from '../../session/session.js';
import { ok } from '../ack.js';
import { Command, CrewRoles, CurrentSession, Payload, Roles } from '../command.decorators.js';

/** `order.item_ready`: a kitchen station bumps its lines of a preparing order. */
@Injectable()
export class OrderItemReadyCommand {
  constructor(
    private readonly lines: KitchenLinesService,
    private readonly feed: AdminFeedService,
  ) {}

  @Command('order.item_ready', { forward: true, perOrder: true })
  @Roles(['crew', 'admin'])
  @CrewRoles(['kitchen', 'front'])
  async run(@CurrentSession() session: Session, @Payload() dto: OrderItemReadyDto) {
    const reply = await this.lines.itemReady(session, dto);
    if (session.role === 'crew') this.feed.activity(session, 'order.item_ready');
    return ok(reply);
  }
}
