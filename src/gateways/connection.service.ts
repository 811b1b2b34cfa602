import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ALL_TENANTS } from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { PacketMiddleware } from '../commands/packet.middleware.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { HubEvents } from '../util/hub-events.js';
import { HubServer, type HubSocket } from '../transport/hub-server.js';
import { ReplayService } from '../delivery/replay.service.js';
import { MESSAGE_STORE, SESSION_REGISTRY } from '../engine/engine.tokens.js';
import type { MessageStore } from '../engine/message-store.js';
import type { SessionRegistry } from '../engine/session-registry.js';
import { AdminFeedService } from '../monitoring/admin-feed.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { MenuService } from '../orders/menu.service.js';
import { OrdersService } from '../orders/orders.service.js';
import { roomsOf } from '../routing/rooms.js';
import { TokenLifetime } from '../auth/token-lifetime.service.js';

/**
 * The life of a connected session: rooms, the welcome, the replay from `auth.cursor`, the order
 * board and the menu, the token's lifetime (auth/token-lifetime.service.ts), and the goodbye.
 */
@Injectable()
export class ConnectionService implements OnModuleInit {
  constructor(
    @InjectLogger(ConnectionService.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SESSION_REGISTRY) private readonly sessions: SessionRegistry,
    @Inject(MESSAGE_STORE) private readonly store: MessageStore,
    private readonly packets: PacketMiddleware,
    private readonly delivery: DeliveryService,
    private readonly replays: ReplayService,
    private readonly orders: OrdersService,
    private readonly menus: MenuService,
    private readonly feed: AdminFeedService,
    private readonly metrics: MetricsService,
    private readonly lifetime: TokenLifetime,
    private readonly server: HubServer,
    private readonly events: HubEvents,
  ) {}

  onModuleInit(): void {
    this.events.on('dependency.recovered', () => this.reregister());
  }

  /**
   * After the engine lost its state (a Redis restarted without persistence), this node's live
   * sessions are registered again so that presence and caps count them. Registering is idempotent.
   */
  private async reregister(): Promise<void> {
    const caps = { perUser: Number.MAX_SAFE_INTEGER, perTenant: Number.MAX_SAFE_INTEGER };
    for (const nsp of this.server.all()) {
      for (const socket of nsp.sockets.values()) {
        const { sessionId, userKey, tenantId, role } = socket.data.session;
        await this.sessions.register({ sessionId, userKey, tenantId, role }, caps);
      }
    }
  }

  async connected(socket: HubSocket): Promise<void> {
    const session = socket.data.session;
    this.packets.install(socket);
    void socket.join(
      roomsOf(session.role, session.tenantId, session.userId, session.sessionId, session.crewRole),
    );
    this.metrics.recordConnection(session.role, session.tenantId, 1);
    this.lifetime.arm(socket);
    const head = session.cursor === undefined ? await this.store.head() : undefined;
    const replay = await this.replays.prepare(socket, session.cursor);
    try {
      this.delivery.emitTo(socket, 'system.welcome', {
        sessionId: session.sessionId,
        user: {
          id: session.userId,
          role: session.role,
          tenantId: session.tenantId,
          crewRole: session.crewRole,
        },
        serverTime: new Date().toISOString(),
        heartbeatIntervalMs: this.config.ws.pingIntervalMs,
        recovered: replay.recovered,
        replayed: replay.replayed,
        ...(head !== undefined ? { cursor: head } : {}),
      });
      this.metrics.handshakeDuration.observe((performance.now() - session.handshakeAt) / 1000);
    } finally {
      await this.replays.finish(socket, replay);
    }
    if (!socket.connected) return;
    this.delivery.emitTo(socket, 'order.board', { orders: await this.orders.board(session) });
    await this.sendMenu(socket);
    this.feed.presenceChanged(session.tenantId);
    this.feed.activity(session, 'connected');
  }

  /**
   * The tenant's menu after the board. Best effort: the connection is set up by now, and a menu
   * that cannot be read (Redis went away a moment ago) must not drop it, since existing
   * connections keep working while Redis is gone; the menu comes with its next change or connect.
   */
  private async sendMenu(socket: HubSocket): Promise<void> {
    const { tenantId } = socket.data.session;
    if (tenantId === ALL_TENANTS) return;
    try {
      const menu = await this.menus.get(tenantId);
      if (menu && socket.connected) this.delivery.emitTo(socket, 'menu.updated', menu);
    } catch (err) {
      this.logger.warn({ err, tenantId }, 'menu not sent on connect');
    }
  }

  async disconnected(socket: HubSocket): Promise<void> {
    const session = socket.data.session;
    if (!session) return;
    this.lifetime.ended(session);
    const removed = await this.sessions.unregister({
      sessionId: session.sessionId,
      userKey: session.userKey,
      tenantId: session.tenantId,
      role: session.role,
    });
    if (!removed) return;
    this.metrics.recordConnection(session.role, session.tenantId, -1);
    this.feed.presenceChanged(session.tenantId);
    this.feed.activity(session, 'disconnected');
  }
}
