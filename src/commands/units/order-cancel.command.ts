import { Injectable } from '@nestjs/common';
import { OrderCancelDto } from '@orderwire/contracts';
import { OrdersService } from '../../orders/orders.service.js';
import type { Session } from '../../session/session.js';
import { ok } from '../ack.js';
import { Command, CurrentSession, Payload, Roles } from '../command.decorators.js';

/** `order.cancel`: the customer before the kitchen starts, crew and admins at any open step. */
@Injectable()
export class OrderCancelCommand {
  constructor(private readonly orders: OrdersService) {}

  @Command('order.cancel', { forward: true, perOrder: true })
  @Roles(['customer', 'crew', 'admin'])
  async run(@CurrentSession() session: Session, @Payload() dto: OrderCancelDto) {
    return ok(await this.orders.cancel(session, dto));
  }
}
