import { Injectable } from '@nestjs/common';
import { CourierLocationDto } from '@orderwire/contracts';
import { CourierService } from '../../orders/courier.service.js';
import type { Session } from '../../session/session.js';
import { ok } from '../ack.js';
import { Command, CrewRoles, CurrentSession, Payload, Roles } from '../command.decorators.js';

/** `courier.location`: a courier's position, relayed to the order's customer (volatile). */
@Injectable()
export class CourierLocationCommand {
  constructor(private readonly couriers: CourierService) {}

  @Command('courier.location', { forward: true, rate: 'courier' })
  @Roles(['crew'])
  @CrewRoles(['courier'])
  async run(@CurrentSession() session: Session, @Payload() dto: CourierLocationDto) {
    return ok(await this.couriers.location(session, dto));
  }
}
