import { Inject, Injectable } from '@nestjs/common';
import type { AdminDisconnectDto } from '@orderwire/contracts';
import { ROLES } from '@orderwire/contracts';
import { actorOf, type Session } from '../session/session.js';
import { HubEvents } from '../util/hub-events.js';
import { tenantOf } from '../session/tenant-scope.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { Connections } from '../transport/connections.js';
import { SESSION_REGISTRY } from '../engine/engine.tokens.js';
import type { SessionRegistry } from '../engine/session-registry.js';
import { Rooms, userKey } from '../routing/rooms.js';

/** admin.disconnect: ends sessions of the admin's tenant at once, and can revoke the user's tokens. */
@Injectable()
export class SessionControlService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SESSION_REGISTRY) private readonly sessions: SessionRegistry,
    private readonly connections: Connections,
    private readonly delivery: DeliveryService,
    private readonly events: HubEvents,
  ) {}

  async disconnect(admin: Session, dto: AdminDisconnectDto): Promise<{ disconnected: number }> {
    const tenantId = tenantOf(admin, dto.tenantId);
    const room = dto.sessionId ? Rooms.session(tenantId, dto.sessionId) : Rooms.user(tenantId, dto.userId!);
    if (dto.revokeTokens && dto.userId) {
      const now = Date.now();
      // Every token issued up to now plus the skew dies within MAX_TOKEN_TTL_SECONDS of its iat
      // (the verifier refuses longer lives, and iat ahead of its clock), so a revocation kept that
      // long, plus the skew, outlives every token it revokes.
      const keepMs =
        Math.max(this.config.jwt.maxTokenTtlMs, this.config.delivery.messageTtlMs) +
        2 * this.config.jwt.clockSkewMs;
      for (const role of ROLES) {
        await this.sessions.revoke(userKey(role, tenantId, dto.userId), now, keepMs);
      }
    }
    // Every node's sessions in the room (the cluster adapter reaches them), each told why.
    const notice = this.delivery.envelope('system.error', tenantId, {
      code: dto.revokeTokens ? 'UNAUTHORIZED' : 'FORBIDDEN',
      message: `disconnected by an admin: ${dto.reason}`,
    });
    const disconnected = await this.connections.closeIn(
      room,
      (s) => !(dto.sessionId && dto.userId && s.userId !== dto.userId),
      'system.error',
      notice,
    );
    void this.events.emit('audit', {
      tenantId,
      actor: actorOf(admin),
      action: 'admin.disconnect',
      ...(dto.userId ? { subjectUserId: dto.userId } : {}),
      details: {
        ...(dto.sessionId ? { sessionId: dto.sessionId } : {}),
        reason: dto.reason,
        revokeTokens: dto.revokeTokens ?? false,
        disconnected,
      },
    });
    return { disconnected };
  }
}
