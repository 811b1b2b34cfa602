import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { TokenLifetime } from '../auth/token-lifetime.service.js';
import { SESSION_REGISTRY } from '../engine/engine.tokens.js';
import type { SessionRegistry } from '../engine/session-registry.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AdminFeedService } from '../monitoring/admin-feed.service.js';
import { roomsOf } from '../routing/rooms.js';
import { Connections } from '../transport/connections.js';
import type { HubSocket } from '../transport/hub-server.js';
import { linkOf } from '../transport/socket-link.js';
import { HubEvents } from '../util/hub-events.js';
import { Admission } from './admission.js';
import { WelcomeService } from './welcome.service.js';

/**
 * The life of a connected session: admission on its packets, its rooms, its count, the token's
 * lifetime (auth/token-lifetime.service.ts), what it is sent first (WelcomeService), presence in
 * the admins' feed, and the goodbye.
 */
@Injectable()
export class ConnectionService implements OnModuleInit {
  constructor(
    @Inject(SESSION_REGISTRY) private readonly sessions: SessionRegistry,
    private readonly admission: Admission,
    private readonly welcomes: WelcomeService,
    private readonly lifetime: TokenLifetime,
    private readonly feed: AdminFeedService,
    private readonly metrics: MetricsService,
    private readonly connections: Connections,
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
    for (const { sessionId, userKey, tenantId, role } of this.connections.sessions()) {
      await this.sessions.register({ sessionId, userKey, tenantId, role }, caps);
    }
  }

  async connected(socket: HubSocket): Promise<void> {
    const link = linkOf(socket);
    const session = link.session;
    this.admission.install(socket);
    link.join(roomsOf(session.role, session.tenantId, session.userId, session.sessionId, session.crewRole));
    this.metrics.recordConnection(session.role, session.tenantId, 1);
    this.lifetime.arm(link);
    if (!(await this.welcomes.welcome(link))) return;
    this.feed.presenceChanged(session.tenantId);
    if (session.role === 'crew') void this.events.emit('crew.changed', { tenantId: session.tenantId });
    this.feed.activity(session, 'connected');
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
    if (session.role === 'crew') void this.events.emit('crew.changed', { tenantId: session.tenantId });
    this.feed.activity(session, 'disconnected');
  }
}
