import { Inject, Injectable } from '@nestjs/common';
import type { DurableType, Envelope } from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MESSAGE_STORE } from '../engine/engine.tokens.js';
import type { MessageStore } from '../engine/message-store.js';
import { waitForRoom } from '../transport/frame-batching.js';
import { DeliveryService } from './delivery.service.js';
import type { HubSocket } from '../transport/hub-server.js';
import { ReplayHold } from './replay-hold.js';

export interface ReplayOutcome {
  replayed: number;
  recovered: boolean;
}

/**
 * Replays what a user missed after a cursor. While the replay is read and written, the socket is
 * on hold (ReplayHold): the client sees one ordered stream with no gap.
 */
@Injectable()
export class ReplayService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MESSAGE_STORE) private readonly store: MessageStore,
    private readonly hold: ReplayHold,
    private readonly delivery: DeliveryService,
  ) {}

  /**
   * Holds the socket, reads what it missed after `cursor` (nothing without one), calls `before`
   * (to emit system.welcome first), writes the replay and the held messages, then releases it.
   */
  async replay(
    socket: HubSocket,
    cursor: string | undefined,
    before?: (outcome: ReplayOutcome) => void,
  ): Promise<ReplayOutcome> {
    const { role, tenantId } = socket.data.session;
    this.hold.begin(socket);
    let replayed: Envelope<DurableType>[] = [];
    try {
      let outcome: ReplayOutcome = { replayed: 0, recovered: true };
      if (cursor !== undefined) {
        const rooms = [...socket.rooms].filter((r) => r !== socket.id);
        const result = await this.store.readAfter(
          cursor,
          { role, tenantId, rooms },
          this.config.delivery.replayMax,
        );
        replayed = result.messages.map((m) => m.envelope);
        outcome = { replayed: replayed.length, recovered: result.recovered };
      }
      before?.(outcome);
      await this.write(socket, replayed);
      return outcome;
    } finally {
      const queued = this.hold.end(socket, replayed);
      if (queued.length > 0) this.delivery.writeDurable(socket, queued);
    }
  }

  /**
   * Writes the replay in slices of about half SLOW_CONSUMER_SOFT_BYTES, each once the socket has
   * taken most of the one before: a long replay to a client on a slow link then neither piles up
   * in memory nor trips the slow-consumer bounds that it would otherwise cause itself.
   */
  private async write(socket: HubSocket, envelopes: Envelope<DurableType>[]): Promise<void> {
    const slice = this.config.limits.slowConsumer.softBytes / 2;
    let from = 0;
    let bytes = 0;
    for (let i = 0; i < envelopes.length; i++) {
      bytes += JSON.stringify(envelopes[i]).length;
      if (bytes < slice && i < envelopes.length - 1) continue;
      if (!socket.connected) return;
      this.delivery.writeDurable(socket, envelopes.slice(from, i + 1));
      from = i + 1;
      bytes = 0;
      if (from < envelopes.length && !(await waitForRoom(socket.conn as never, slice))) return;
    }
  }
}
