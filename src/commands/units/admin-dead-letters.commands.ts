import { Injectable } from '@nestjs/common';
import { AdminDeadLettersDto, AdminReplayDto } from '@orderwire/contracts';
import { DeadLetterService } from '../../delivery/dead-letter.service.js';
import type { Session } from '../../session/session.js';
import { WebhooksService } from '../../webhooks/webhooks.service.js';
import { ok } from '../ack.js';
import { Command, CurrentSession, Payload, Roles } from '../command.decorators.js';

/** `admin.dead_letters` and `admin.replay`: what could not be delivered, and sending it again. */
@Injectable()
export class AdminDeadLetterCommands {
  constructor(
    private readonly deadLetters: DeadLetterService,
    private readonly webhooks: WebhooksService,
  ) {}

  @Command('admin.dead_letters')
  @Roles(['admin'])
  async list(@CurrentSession() session: Session, @Payload() dto: AdminDeadLettersDto) {
    return ok(await this.deadLetters.list(session, dto));
  }

  @Command('admin.replay', { forward: true })
  @Roles(['admin'])
  async replay(@CurrentSession() session: Session, @Payload() dto: AdminReplayDto) {
    return ok(
      await this.deadLetters.replay(session, dto.messageId, (letter) => this.webhooks.replay(letter)),
    );
  }
}
