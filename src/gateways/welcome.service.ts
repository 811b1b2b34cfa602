import { Inject, Injectable } from '@nestjs/common';
import { ALL_TENANTS } from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { ReplayService } from '../delivery/replay.service.js';
import { MESSAGE_STORE } from '../engine/engine.tokens.js';
import type { MessageStore } from '../engine/message-store.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { MenuService } from '../orders/menu.service.js';
import { OrdersService } from '../orders/orders.service.js';
import { StoreStatusService } from '../orders/store-status.service.js';
import type { Link } from '../session/link.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';

/**
 * What a new connection is sent, in order: `system.welcome` (with the replay's outcome, or the
 * log's head as its first cursor), the replay from `auth.cursor`, `order.board`, the tenant's
 * menu and its store's status. Returns false if the connection went meanwhile.
 */
@Injectable()
export class WelcomeService {
  constructor(
    @InjectLogger(WelcomeService.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MESSAGE_STORE) private readonly store: MessageStore,
    private readonly delivery: DeliveryService,
    private readonly replays: ReplayService,
    private readonly orders: OrdersService,
    private readonly menus: MenuService,
    private readonly storeStatus: StoreStatusService,
    private readonly metrics: MetricsService,
  ) {}

  async welcome(link: Link): Promise<boolean> {
    const session = link.session;
    await this.delivery.attach(session.tenantId);
    // Platform admins read every tenant's log: no one cursor to start from (docs/protocol.md 6).
    const head = session.cursor === undefined ? await this.store.head(session.tenantId) : undefined;
    const replay = await this.replays.prepare(link, session.cursor);
    try {
      this.delivery.emitTo(link, 'system.welcome', {
        sessionId: session.sessionId,
        user: {
          id: session.userId,
          role: session.role,
          tenantId: session.tenantId,
          crewRole: session.crewRole,
          ...(session.claims.stations?.length ? { stations: session.claims.stations } : {}),
        },
        serverTime: new Date().toISOString(),
        heartbeatIntervalMs: this.config.ws.pingIntervalMs,
        recovered: replay.recovered,
        replayed: replay.replayed,
        ...(head !== undefined ? { cursor: head } : {}),
        acks: session.acks,
      });
      this.metrics.handshakeDuration.observe((performance.now() - session.handshakeAt) / 1000);
    } finally {
      await this.replays.finish(link, replay);
    }
    if (!link.connected) return false;
    this.delivery.emitTo(link, 'order.board', { orders: await this.orders.board(session) });
    await this.sendState(link);
    return true;
  }

  /**
   * The tenant's menu and its store's status after the board. Best effort: the connection is set
   * up by now, and state that cannot be read (Redis went away a moment ago) must not drop it,
   * since existing connections keep working while Redis is gone; each comes with its next change
   * or connect.
   */
  private async sendState(link: Link): Promise<void> {
    const { tenantId } = link.session;
    if (tenantId === ALL_TENANTS) return;
    try {
      const menu = await this.menus.get(tenantId);
      if (menu && link.connected) this.delivery.emitTo(link, 'menu.updated', menu);
      const status = await this.storeStatus.data(tenantId);
      if (link.connected) this.delivery.emitTo(link, 'store.status', status);
    } catch (err) {
      this.logger.warn({ err, tenantId }, 'menu or store status not sent on connect');
    }
  }
}
