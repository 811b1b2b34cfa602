import { Inject, Injectable } from '@nestjs/common';
import type { AdminDeadLettersDto, DeadLetterItem } from '@orderwire/contracts';
import { actorOf, type Session } from '../session/session.js';
import { HubEvents } from '../util/hub-events.js';
import { notFound } from '../util/hub.exception.js';
import { MESSAGE_STORE } from '../engine/engine.tokens.js';
import type { DeadLetter, MessageStore } from '../engine/message-store.js';
import { DeliveryService } from './delivery.service.js';

/** admin.dead_letters and admin.replay, scoped to the admin's tenant (every tenant for platform admins). */
@Injectable()
export class DeadLetterService {
  constructor(
    @Inject(MESSAGE_STORE) private readonly store: MessageStore,
    private readonly delivery: DeliveryService,
    private readonly events: HubEvents,
  ) {}

  async list(admin: Session, dto: AdminDeadLettersDto): Promise<{ items: DeadLetterItem[] }> {
    const letters = await this.store.listDeadLetters(admin.tenantId, dto.limit ?? 50, dto.before);
    return { items: letters.map(({ userKeys: _keys, webhookBody: _body, ...item }) => item) };
  }

  /**
   * Delivers a dead letter again: a message to its recipients, or a webhook delivery through
   * `webhooks` (the webhooks layer's, above this one). Put back if that fails.
   */
  async replay(
    admin: Session,
    messageId: string,
    webhooks: (letter: DeadLetter) => Promise<void>,
  ): Promise<{ requeued: true }> {
    const letter = await this.store.takeDeadLetter(admin.tenantId, messageId);
    if (!letter) throw notFound('dead letter');
    try {
      await (letter.webhook ? webhooks(letter) : this.delivery.requeue(letter));
    } catch (err) {
      await this.store.addDeadLetter(letter);
      throw err;
    }
    void this.events.emit('audit', {
      tenantId: letter.tenantId,
      actor: actorOf(admin),
      action: 'admin.replay',
      details: { messageId, type: letter.type, recipients: letter.recipients },
    });
    return { requeued: true };
  }
}
