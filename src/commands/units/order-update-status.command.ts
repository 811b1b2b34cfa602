import { Injectable } from '@nestjs/common';
import { OrderUpdateStatusDto } from '@orderwire/contracts';
import { AdminFeedService } from '../../monitoring/admin-feed.service.js';
import { OrdersService } from '../../orders/orders.service.js';
import type { Session } from '../../session/session.js';
import { ok } from '../ack.js';
import { Command, CurrentSession, Payload, Roles } from '../command.decorators.js';

/**
 * `order.update_status`: crew move an order through the steps their crew role takes
 * (orders/order-changes.ts), admins through any; crew moves show in the admins' activity feed.
 */
@Injectable()
export class OrderUpdateStatusCommand {
  constructor(
    private readonly orders: OrdersService,
    private readonly feed: AdminFeedService,
  ) {}

  @Command('order.update_status', { forward: true, perOrder: true, withhold: ['handoffCode'] })
  @Roles(['crew', 'admin'])
  async run(@CurrentSession() session: Session, @Payload() dto: OrderUpdateStatusDto) {
    const reply = await this.orders.updateStatus(session, dto);
    if (session.role === 'crew') this.feed.activity(session, `order.${dto.status}`);
    return ok(reply);
  }
}
