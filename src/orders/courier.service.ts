import { Inject, Injectable } from '@nestjs/common';
import type { CourierLocationDto } from '@orderwire/contracts';
import { DeliveryService } from '../delivery/delivery.service.js';
import { ORDER_STORE } from '../engine/engine.tokens.js';
import type { OrderStore } from '../engine/order-store.js';
import type { Session } from '../session/session.js';
import { notFound } from '../util/hub.exception.js';

/** What couriers do on the board: relay where they are. */
@Injectable()
export class CourierService {
  constructor(
    @Inject(ORDER_STORE) private readonly orders: OrderStore,
    private readonly delivery: DeliveryService,
  ) {}

  /** Relays a courier's position to the order's customer while it is out for delivery. */
  async location(session: Session, dto: CourierLocationDto): Promise<{ relayed: boolean }> {
    const order = await this.orders.get(session.tenantId, dto.orderId);
    if (!order) throw notFound('order');
    if (order.status !== 'out_for_delivery') return { relayed: false };
    this.delivery.emitVolatile({
      type: 'courier.location',
      tenantId: order.tenantId,
      data: {
        orderId: order.orderId,
        lat: dto.lat,
        lng: dto.lng,
        ...(dto.heading !== undefined ? { heading: dto.heading } : {}),
        at: new Date().toISOString(),
      },
      sender: { id: session.userId, type: session.role },
      audience: { customerId: order.customerId },
    });
    return { relayed: true };
  }
}
