import { Inject, Injectable } from '@nestjs/common';
import type {
  MenuContent,
  NotificationData,
  Order,
  OrderCreatedData,
  OrderStatusUpdatedData,
  PaymentConfirmedData,
  PaymentFailedData,
  PaymentRefundedData,
  PublishableType,
  PublishRequest,
  PublishTarget,
  StoreStatusChange,
} from '@orderwire/contracts';
import { newUlid, validatePublishRequest } from '@orderwire/contracts';
import type { RealtimeModuleOptions } from './realtime.constants.js';
import { REALTIME_OPTIONS } from './realtime.module-definition.js';
import { RealtimeError } from './realtime.error.js';
import { REALTIME_TRANSPORT } from './realtime.tokens.js';
import type { RealtimeTransport } from './realtime.transport.js';

export interface PublishOptions {
  /** Idempotency: the same requestId within 10 minutes is delivered once. */
  requestId?: string;
  to?: PublishTarget;
}

/**
 * What other Nest services inject to emit to the hub's clients. `publish` resolves `{ id }` once
 * the message is durably queued (redis engine: in BullMQ, so it waits there while every hub node is
 * down) or stored (in the hub process). It rejects with a RealtimeError when the message is
 * invalid or outside this service's tenants, or when the hub cannot be reached.
 */
@Injectable()
export class Broadcaster {
  constructor(
    @Inject(REALTIME_TRANSPORT) private readonly transport: RealtimeTransport,
    @Inject(REALTIME_OPTIONS) private readonly options: RealtimeModuleOptions,
  ) {}

  async publish<T extends PublishableType>(request: PublishRequest<T>): Promise<{ id: string }> {
    const checked = validatePublishRequest(request);
    if (!checked.ok) {
      throw new RealtimeError(
        'VALIDATION_FAILED',
        checked.fields.map((f) => `${f.field}: ${f.messages[0]}`).join('; '),
        checked.fields,
      );
    }
    const tenants = this.options.tenants;
    if (tenants && !tenants.includes('*') && !tenants.includes(request.tenantId)) {
      throw new RealtimeError('FORBIDDEN', `this service may not publish to tenant ${request.tenantId}`);
    }
    try {
      return await this.transport.publish({
        ...checked.value,
        id: newUlid(),
        sender: { id: this.options.serviceId, type: 'service' },
        publishedAt: Date.now(),
      });
    } catch (err) {
      if (err instanceof RealtimeError) throw err;
      throw new RealtimeError('INTERNAL', `the hub could not be reached: ${(err as Error).message}`);
    }
  }

  /**
   * `order.created` to the tenant's crew and admins and the customer's sessions; adds it to the
   * board. `orderCreated(tenantId, { order })`, like every other helper; the order's own `tenantId`
   * must be that tenant (VALIDATION_FAILED otherwise).
   */
  orderCreated(tenantId: string, data: OrderCreatedData, options?: PublishOptions): Promise<{ id: string }>;
  /** @deprecated Since 0.3: `orderCreated(order.tenantId, { order })`, the same message. */
  orderCreated(order: Order, options?: PublishOptions): Promise<{ id: string }>;
  orderCreated(
    first: string | Order,
    second?: OrderCreatedData | PublishOptions,
    third: PublishOptions = {},
  ): Promise<{ id: string }> {
    if (typeof first !== 'string') {
      const options = (second ?? {}) as PublishOptions;
      return this.publish({
        type: 'order.created',
        tenantId: first.tenantId,
        data: { order: first },
        ...options,
      });
    }
    const data = second as OrderCreatedData;
    if (data?.order?.tenantId !== first)
      return Promise.reject(
        new RealtimeError('VALIDATION_FAILED', `the order's tenantId is not ${first}`, [
          { field: 'data.order.tenantId', messages: [`must be ${first}`] },
        ]),
      );
    return this.publish({ type: 'order.created', tenantId: first, data, ...third });
  }

  /** `order.status_updated` to the order's customer, the crew and admins; moves it on the board. */
  orderStatusUpdated(
    tenantId: string,
    data: OrderStatusUpdatedData,
    options: PublishOptions = {},
  ): Promise<{ id: string }> {
    return this.publish({ type: 'order.status_updated', tenantId, data, ...options });
  }

  /** `payment.confirmed` to the order's customer, the crew and admins. */
  paymentConfirmed(
    tenantId: string,
    data: PaymentConfirmedData,
    options: PublishOptions = {},
  ): Promise<{ id: string }> {
    return this.publish({ type: 'payment.confirmed', tenantId, data, ...options });
  }

  /** `payment.failed` to the order's customer, the crew and admins; sets `order.payment`. */
  paymentFailed(
    tenantId: string,
    data: PaymentFailedData,
    options: PublishOptions = {},
  ): Promise<{ id: string }> {
    return this.publish({ type: 'payment.failed', tenantId, data, ...options });
  }

  /** `payment.refunded` to the order's customer, the crew and admins; sets `order.payment`. */
  paymentRefunded(
    tenantId: string,
    data: PaymentRefundedData,
    options: PublishOptions = {},
  ): Promise<{ id: string }> {
    return this.publish({ type: 'payment.refunded', tenantId, data, ...options });
  }

  /**
   * `menu.updated`: the tenant's whole menu (docs/protocol.md section 9). The hub stores it, prices
   * every order from it and sends it to the tenant's sessions; it replaces the previous menu.
   */
  menuUpdated(tenantId: string, data: MenuContent, options: PublishOptions = {}): Promise<{ id: string }> {
    return this.publish({ type: 'menu.updated', tenantId, data, ...options });
  }

  /**
   * `store.status`: sets the store's status (docs/protocol.md section 13), as `store.set_status`
   * does: `open`, `busy` (with `extraPrepMinutes`), `paused` or `closed`, `until` a time when it
   * returns to `open` by itself. The hub sends it to every session of the tenant.
   */
  storeStatus(
    tenantId: string,
    data: StoreStatusChange,
    options: PublishOptions = {},
  ): Promise<{ id: string }> {
    return this.publish({ type: 'store.status', tenantId, data, ...options });
  }

  /** `notification` to the roles and users in `options.to` (every role when none is named). */
  notification(
    tenantId: string,
    data: NotificationData,
    options: PublishOptions = {},
  ): Promise<{ id: string }> {
    return this.publish({ type: 'notification', tenantId, data, ...options });
  }
}
