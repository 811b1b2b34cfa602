import { Injectable } from '@nestjs/common';
import type { CommandReply, Order, OrderItemReadyDto } from '@orderwire/contracts';
import { DeliveryService } from '../delivery/delivery.service.js';
import { actorOf, type Session } from '../session/session.js';
import { tenantOf } from '../session/tenant-scope.js';
import { HubEvents } from '../util/hub-events.js';
import { conflict, HubException, invalid, notFound } from '../util/hub.exception.js';
import { MenuService } from './menu.service.js';
import { senderOf } from './order-changes.js';
import { OrdersService, stationsOf } from './orders.service.js';

/**
 * Stations per item (docs/protocol.md section 13): a menu item names the kitchen station that
 * makes it, a crew token the stations its screen serves, and `order.item_ready` bumps a station's
 * lines of a preparing order; with `settings.autoReadyWhenAllLinesReady` the hub moves an order
 * whose lines are all ready to `ready`.
 */
@Injectable()
export class KitchenLinesService {
  constructor(
    private readonly orders: OrdersService,
    private readonly menus: MenuService,
    private readonly delivery: DeliveryService,
    private readonly events: HubEvents,
  ) {}

  async itemReady(session: Session, dto: OrderItemReadyDto): Promise<CommandReply<'order.item_ready'>> {
    const tenantId = tenantOf(session, dto.tenantId);
    const stations = session.role === 'crew' ? session.claims.stations : undefined;
    const mutate = (order: Order): Order | undefined => {
      if (order.status !== 'preparing') {
        throw conflict(`lines are bumped while the order is preparing, and it is ${order.status}`, {
          status: order.status,
        });
      }
      const outside = dto.lineIndexes.filter((i) => i >= order.items.length);
      if (outside.length) {
        throw invalid([{ field: 'lineIndexes', messages: [`the order has ${order.items.length} lines`] }]);
      }
      // A station screen bumps its own lines, and lines no station makes; not another station's.
      const foreign = stations?.length
        ? dto.lineIndexes.filter((i) => {
            const station = order.items[i]!.station;
            return station !== undefined && !stations.includes(station);
          })
        : [];
      if (foreign.length) {
        throw new HubException('FORBIDDEN', `lines ${foreign.join(', ')} belong to another station`, {
          lines: foreign,
          stations,
        });
      }
      const ready = [...new Set([...(order.linesReady ?? []), ...dto.lineIndexes])].sort((a, b) => a - b);
      if (ready.length === (order.linesReady?.length ?? 0)) return undefined; // bumped already
      return { ...order, linesReady: ready, updatedAt: new Date().toISOString() };
    };
    const changed = await this.orders.change(tenantId, dto.orderId, mutate);
    if (!changed) throw notFound('order');
    let order = changed.after ?? changed.before;
    if (changed.after) this.announce(session, order, dto.lineIndexes);
    // The menu's settings are read only once every line is ready, not on every bump.
    const allReady = order.linesReady?.length === order.items.length;
    if (allReady && (await this.menus.settings(tenantId)).autoReadyWhenAllLinesReady) {
      if (await this.orders.byHub(tenantId, order.orderId, 'preparing', 'ready'))
        order = { ...order, status: 'ready' };
    }
    return { orderId: order.orderId, linesReady: order.linesReady ?? [], status: order.status };
  }

  private announce(session: Session, order: Order, lineIndexes: number[]): void {
    this.delivery.emitVolatile({
      type: 'order.lines_ready',
      tenantId: order.tenantId,
      data: {
        orderId: order.orderId,
        ...(order.orderNumber ? { orderNumber: order.orderNumber } : {}),
        lineIndexes,
        linesReady: order.linesReady ?? [],
        status: order.status,
        readyBy: senderOf(session),
      },
      sender: senderOf(session),
      audience: { order: stationsOf(order) },
    });
    void this.events.emit('audit', {
      tenantId: order.tenantId,
      actor: actorOf(session),
      action: 'order.item_ready',
      orderId: order.orderId,
      after: { linesReady: order.linesReady },
      details: { lineIndexes },
    });
  }
}
