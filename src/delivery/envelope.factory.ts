import { Injectable } from '@nestjs/common';
import type { Envelope, Sender, ServerEventMap, ServerEventType } from '@orderwire/contracts';
import { newUlid } from '@orderwire/contracts';

export const SYSTEM_SENDER: Sender = Object.freeze({ id: 'orderwire', type: 'system' });

/** Builds envelopes: a ULID id (sortable by time, monotonic within a millisecond) and a timestamp. */
@Injectable()
export class EnvelopeFactory {
  create<T extends ServerEventType>(
    type: T,
    tenantId: string,
    data: ServerEventMap[T],
    sender: Sender = SYSTEM_SENDER,
    now = Date.now(),
    id = newUlid(now),
  ): Envelope<T> {
    return { id, type, data, timestamp: new Date(now).toISOString(), sender, tenantId };
  }
}
