import { Injectable } from '@nestjs/common';
import { AdminDisconnectDto } from '@orderwire/contracts';
import { SessionControlService } from '../../auth/session-control.service.js';
import type { Session } from '../../session/session.js';
import { ok } from '../ack.js';
import { Command, CurrentSession, Payload, Roles } from '../command.decorators.js';

/** `admin.disconnect`: ends a user's or a session's connections in the tenant, optionally revoking tokens. */
@Injectable()
export class AdminDisconnectCommand {
  constructor(private readonly control: SessionControlService) {}

  @Command('admin.disconnect', { forward: true })
  @Roles(['admin'])
  async run(@CurrentSession() session: Session, @Payload() dto: AdminDisconnectDto) {
    return ok(await this.control.disconnect(session, dto));
  }
}
