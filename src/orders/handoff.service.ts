import { randomInt, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Order, OrderUpdateStatusDto } from '@orderwire/contracts';
import { HANDOFF_MAX_TRIES, SCHEDULE_MAX_DAYS } from '@orderwire/contracts';
import { COURIER_STORE, ORDER_STORE } from '../engine/engine.tokens.js';
import type { CourierStore } from '../engine/courier-store.js';
import type { OrderStore } from '../engine/order-store.js';
import { AlertsService } from '../monitoring/alerts.service.js';
import type { Session } from '../session/session.js';
import { HubException } from '../util/hub.exception.js';
import { MenuService } from './menu.service.js';

/** How long a code is kept at most: the longest a scheduled order waits, and two days to deliver. */
const CODE_TTL_MS = (SCHEDULE_MAX_DAYS + 2) * 86_400_000;

/**
 * The hand-over code of a delivery order (docs/protocol.md section 14): four random digits its
 * customer tells the courier at the door. Kept beside the order (CourierStore), never on it, so
 * no copy of the order carries it; only its customer's reply and board do.
 */
@Injectable()
export class HandoffService {
  constructor(
    @Inject(ORDER_STORE) private readonly orders: OrderStore,
    @Inject(COURIER_STORE) private readonly store: CourierStore,
    private readonly menus: MenuService,
    private readonly alerts: AlertsService,
  ) {}

  /** The order's code, made now if it has none (a retried order.place answers the same one). */
  async issue(order: Order): Promise<string | undefined> {
    if (order.fulfillment !== 'delivery') return undefined;
    const code = String(randomInt(0, 10_000)).padStart(4, '0');
    return this.store.createCode(order.tenantId, order.orderId, code, CODE_TTL_MS);
  }

  /** The codes of these orders (a customer's board), by order id. */
  async codesOf(orders: readonly Order[]): Promise<Map<string, string>> {
    const ids = orders.filter((o) => o.fulfillment === 'delivery').map((o) => o.orderId);
    const out = new Map<string, string>();
    if (ids.length === 0) return out;
    for (const [id, record] of await this.store.codes(orders[0]!.tenantId, ids)) out.set(id, record.code);
    return out;
  }

  /**
   * Before crew move an order to `delivered`: the code they give must be the customer's, and with
   * `settings.handoffCodeRequired` they must give one (INVALID_CODE otherwise, `details.triesLeft`).
   * The fifth wrong code locks it and raises HANDOFF_CODE_FAILED. Orders the step would refuse
   * anyway (not out for delivery, another courier's) are left to it, without spending a try.
   */
  async check(session: Session, tenantId: string, dto: OrderUpdateStatusDto): Promise<void> {
    const order = await this.orders.get(tenantId, dto.orderId);
    if (!order || order.status !== 'out_for_delivery') return;
    if (order.courierId !== undefined && order.courierId !== session.userId) return;
    const record = (await this.store.codes(tenantId, [order.orderId])).get(order.orderId);
    if (!record) return;
    if (record.failures >= HANDOFF_MAX_TRIES) throw locked();
    if (dto.handoffCode === undefined) {
      if (!(await this.menus.settings(tenantId)).handoffCodeRequired) return;
      throw invalidCode("the customer's hand-over code is required", HANDOFF_MAX_TRIES - record.failures);
    }
    if (sameCode(dto.handoffCode, record.code)) return;
    const failures = await this.store.failCode(tenantId, order.orderId);
    if (failures >= HANDOFF_MAX_TRIES) {
      if (failures === HANDOFF_MAX_TRIES) await this.flag(order, session, failures);
      throw locked();
    }
    throw invalidCode('that is not the hand-over code of this order', HANDOFF_MAX_TRIES - failures);
  }

  /** Drops a final order's code (and last position): nothing to hand over any more. */
  async forget(order: Order): Promise<void> {
    if (order.fulfillment === 'delivery') await this.store.forget(order.tenantId, order.orderId);
  }

  private async flag(order: Order, session: Session, tries: number): Promise<void> {
    await this.alerts.raise(
      order.tenantId,
      'HANDOFF_CODE_FAILED',
      'warning',
      `order ${order.orderNumber ?? order.orderId}: ${tries} wrong hand-over codes; check with the customer`,
      {
        orderId: order.orderId,
        ...(order.orderNumber ? { orderNumber: order.orderNumber } : {}),
        courierId: order.courierId ?? session.userId,
        tries,
      },
    );
  }
}

/** Compares two codes in time that does not depend on where they differ. */
function sameCode(given: string, kept: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(kept);
  return a.length === b.length && timingSafeEqual(a, b);
}

const invalidCode = (message: string, triesLeft: number): HubException =>
  new HubException('INVALID_CODE', message, { triesLeft });

const locked = (): HubException =>
  invalidCode('too many wrong hand-over codes: an admin must confirm this delivery', 0);
