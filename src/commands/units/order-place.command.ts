import { Injectable } from '@nestjs/common';
import { OrderPlaceDto } from '@orderwire/contracts';
import { AdminFeedService } from '../../monitoring/admin-feed.service.js';
import { OrdersService } from '../../orders/orders.service.js';
import type { Session } from '../../session/session.js';
import { ok } from '../ack.js';
import { Command, CurrentSession, Payload, Roles } from '../command.decorators.js';

/** `order.place`: a customer places an order, priced from the menu; a webhook may decide it. */
@Injectable()
export class OrderPlaceCommand {
  constructor(
    private readonly orders: OrdersService,
    private readonly feed: AdminFeedService,
  ) {}

  @Command('order.place', { forward: true, decidable: true })
  @Roles(['customer'])
  async run(@CurrentSession() session: Session, @Payload() dto: OrderPlaceDto) {
    const reply = await this.orders.place(session, dto);
    this.feed.activity(session, 'order.place');
    return ok(reply);
  }
}
