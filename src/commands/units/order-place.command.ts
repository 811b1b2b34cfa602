import { Injectable } from '@nestjs/common';
import { OrderPlaceDto } from '@orderwire/contracts';
import { AdminFeedService } from '../../monitoring/admin-feed.service.js';
import { OrderPlacementService } from '../../orders/order-placement.service.js';
import { StoreStatusService } from '../../orders/store-status.service.js';
import type { Session } from '../../session/session.js';
import { ok } from '../ack.js';
import { Command, CurrentSession, Payload, Roles } from '../command.decorators.js';

/**
 * `order.place`: a customer places an order while the store takes them (or one for later, any time),
 * priced from the menu; a webhook may decide it.
 */
@Injectable()
export class OrderPlaceCommand {
  constructor(
    private readonly orders: OrderPlacementService,
    private readonly store: StoreStatusService,
    private readonly feed: AdminFeedService,
  ) {}

  @Command('order.place', { forward: true, decidable: true, withhold: ['handoffCode'] })
  @Roles(['customer'])
  async run(@CurrentSession() session: Session, @Payload() dto: OrderPlaceDto) {
    // A paused or closed store takes no orders for now (orders for later it does); a retry of one
    // it took still gets its answer.
    const { refusal, extraPrepMinutes } = await this.store.forOrders(session.tenantId);
    if (refusal && dto.scheduledFor === undefined && !(await this.orders.isRetry(session, dto.orderId)))
      throw refusal;
    const reply = await this.orders.place(session, dto, extraPrepMinutes);
    this.feed.activity(session, 'order.place');
    return ok(reply);
  }
}
