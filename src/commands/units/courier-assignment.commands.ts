import { Injectable } from '@nestjs/common';
import { OrderAssignCourierDto, OrderClaimDto } from '@orderwire/contracts';
import { CourierService } from '../../orders/courier.service.js';
import type { Session } from '../../session/session.js';
import { ok } from '../ack.js';
import { Command, CrewRoles, CurrentSession, Payload, Roles } from '../command.decorators.js';

/**
 * Who carries a delivery order (docs/protocol.md section 14): `order.assign_courier` by the front
 * or an admin, `order.claim` by a courier where the restaurant lets them. Both run one at a time
 * per order and connection, like the status steps they decide.
 */
@Injectable()
export class OrderAssignCourierCommand {
  constructor(private readonly couriers: CourierService) {}

  @Command('order.assign_courier', { forward: true, perOrder: true })
  @Roles(['crew', 'admin'])
  @CrewRoles(['front'])
  async run(@CurrentSession() session: Session, @Payload() dto: OrderAssignCourierDto) {
    return ok(await this.couriers.assign(session, dto));
  }
}

@Injectable()
export class OrderClaimCommand {
  constructor(private readonly couriers: CourierService) {}

  @Command('order.claim', { forward: true, perOrder: true })
  @Roles(['crew'])
  @CrewRoles(['courier'])
  async run(@CurrentSession() session: Session, @Payload() dto: OrderClaimDto) {
    return ok(await this.couriers.claim(session, dto));
  }
}
