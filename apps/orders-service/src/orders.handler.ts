import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { ClientCommand } from '@orderwire/contracts';
import { FINAL_STATUSES, nextStatuses } from '@orderwire/contracts';
import { Broadcaster, OnClientCommand } from '@orderwire/realtime';
import { DEMO_MENU, menuRequestId } from './menu.js';
import { OrderLedger } from './order-ledger.js';
import { ORDERS_SERVICE_CONFIG } from './orders-service.tokens.js';
import type { OrdersServiceConfig } from './orders-service.config.js';

/**
 * Both directions of the hub link: it publishes the menu the hub prices orders from, handles
 * accepted `order.place` / `order.cancel` / `order.update_status` commands, confirms payments
 * through the Broadcaster, and can move orders along by itself for demos. Every publish carries a requestId, so a redelivered command
 * publishes nothing twice.
 */
@Injectable()
export class OrdersHandler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OrdersHandler.name);
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly broadcaster: Broadcaster,
    private readonly ledger: OrderLedger,
    @Inject(ORDERS_SERVICE_CONFIG) private readonly config: OrdersServiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const tenantId of this.config.menuTenants) {
      await this.broadcaster.menuUpdated(tenantId, DEMO_MENU, {
        requestId: menuRequestId(tenantId, DEMO_MENU),
      });
      this.logger.log(`menu of ${tenantId} published (${DEMO_MENU.items.length} items)`);
    }
  }

  onModuleDestroy(): void {
    for (const t of this.timers) clearTimeout(t);
  }

  @OnClientCommand('order.place')
  async onPlace(command: ClientCommand<'order.place'>): Promise<void> {
    // What the order costs is the hub's reply (priced from the menu), never the client's data.
    if (!command.reply) return; // the hub always replies to an accepted order.place
    const { orderId, status, total, currency } = command.reply;
    const fresh = this.ledger.record({
      orderId,
      tenantId: command.tenantId,
      customerId: command.user.id,
      total,
      currency,
      fulfillment: command.data.fulfillment,
      status,
      paid: false,
      handledByCrew: false,
    });
    if (fresh) this.logger.log(`order ${orderId} of ${command.user.id} recorded`);
    this.later(this.config.paymentDelayMs, () => this.confirmPayment(command.tenantId, orderId));
  }

  @OnClientCommand('order.cancel')
  async onCancel(command: ClientCommand<'order.cancel'>): Promise<void> {
    const entry = this.ledger.get(command.tenantId, command.data.orderId);
    if (!entry) return;
    entry.status = 'cancelled';
    if (entry.paid) {
      // The board's order.payment becomes `refunded`; the notice tells the customer in words.
      await this.broadcaster.paymentRefunded(
        entry.tenantId,
        { orderId: entry.orderId, amount: entry.total, currency: entry.currency, reason: 'order cancelled' },
        { requestId: `refunded-${entry.orderId}` },
      );
      await this.broadcaster.notification(
        entry.tenantId,
        {
          level: 'info',
          message: `Your payment of ${(entry.total / 100).toFixed(2)} ${entry.currency} will be refunded.`,
        },
        { to: { userIds: [entry.customerId] }, requestId: `refund-${entry.orderId}` },
      );
    }
  }

  @OnClientCommand('order.update_status')
  async onUpdate(command: ClientCommand<'order.update_status'>): Promise<void> {
    const entry = this.ledger.get(command.tenantId, command.data.orderId);
    if (!entry) return;
    entry.status = command.data.status;
    entry.handledByCrew = true;
  }

  private async confirmPayment(tenantId: string, orderId: string): Promise<void> {
    const entry = this.ledger.get(tenantId, orderId);
    if (!entry || entry.status === 'cancelled') return;
    await this.broadcaster.paymentConfirmed(
      tenantId,
      { orderId, amount: entry.total, currency: entry.currency, method: 'card' },
      { requestId: `pay-${orderId}` },
    );
    entry.paid = true;
    if (this.config.autoAdvance) this.later(this.config.autoAdvanceMs, () => this.advance(entry));
  }

  /** placed → accepted → preparing → ready → out_for_delivery → delivered (or picked_up). */
  private async advance(entry: NonNullable<ReturnType<OrderLedger['get']>>): Promise<void> {
    if (entry.handledByCrew || FINAL_STATUSES.has(entry.status)) return;
    const next = nextStatuses(entry.status, entry.fulfillment).find(
      (s) => s !== 'cancelled' && s !== 'rejected',
    );
    if (!next) return;
    await this.broadcaster.orderStatusUpdated(
      entry.tenantId,
      {
        orderId: entry.orderId,
        status: next,
        previousStatus: entry.status,
        ...(next === 'accepted' ? { etaMinutes: 20 } : {}),
        updatedBy: { id: 'orders-service', type: 'service' },
      },
      { requestId: `advance-${entry.orderId}-${next}` },
    );
    entry.status = next;
    this.later(this.config.autoAdvanceMs, () => this.advance(entry));
  }

  private later(ms: number, work: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work().catch((err: unknown) => this.logger.warn(`background step failed: ${(err as Error).message}`));
    }, ms);
    this.timers.add(timer);
  }
}
