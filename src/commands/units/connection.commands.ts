import { Injectable } from '@nestjs/common';
import { AuthRefreshDto, HeartbeatDto, SyncDto } from '@orderwire/contracts';
import { TokenLifetime } from '../../auth/token-lifetime.service.js';
import { ReplayService } from '../../delivery/replay.service.js';
import type { Link } from '../../session/link.js';
import { ok } from '../ack.js';
import { Command, Connection, Payload, Roles } from '../command.decorators.js';

/** The commands of every role about the connection itself: `heartbeat`, `auth.refresh`, `sync`. */
@Injectable()
export class ConnectionCommands {
  constructor(
    private readonly lifetime: TokenLifetime,
    private readonly replays: ReplayService,
  ) {}

  @Command('heartbeat')
  @Roles(['customer', 'crew', 'admin'])
  heartbeat(@Payload() _dto: HeartbeatDto) {
    return ok({ serverTime: Date.now() });
  }

  @Command('auth.refresh')
  @Roles(['customer', 'crew', 'admin'])
  async refresh(@Connection() link: Link, @Payload() dto: AuthRefreshDto) {
    return ok(await this.lifetime.refresh(link, dto.token));
  }

  @Command('sync')
  @Roles(['customer', 'crew', 'admin'])
  async sync(@Connection() link: Link, @Payload() dto: SyncDto) {
    return ok(await this.replays.replay(link, dto.cursor));
  }
}
