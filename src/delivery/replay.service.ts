import { Inject, Injectable } from '@nestjs/common';
import type { DurableType, Envelope } from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MESSAGE_STORE } from '../engine/engine.tokens.js';
import type { MessageStore } from '../engine/message-store.js';
import { RUNTIME } from '../auth/session.js';
import { waitForRoom } from '../transport/frame-batching.js';
import { DeliveryService } from './delivery.service.js';
import { HubServer, type HubSocket } from './hub-server.js';

export interface ReplayOutcome {
  replayed: number;
  recovered: boolean;
}

/**
 * Replays what a user missed after a cursor. While the replay is read and written, the socket is
 * on hold: live durable messages for it are queued and written after the replay, so the client
 * sees one ordered stream with no gap.
 */
@Injectable()
export class ReplayService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MESSAGE_STORE) private readonly store: MessageStore,
    private readonly server: HubServer,
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
    const held = this.server.held(role);
    held.add(socket.id);
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
      this.release(socket, held, replayed);
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

  private release(socket: HubSocket, held: Set<string>, replayed: Envelope<DurableType>[]): void {
    const runtime = socket.data.session[RUNTIME];
    const queued = runtime.held;
    runtime.held = undefined;
    held.delete(socket.id);
    if (!queued?.length || !socket.connected) return;
    // What was published during the replay may also be in it: skip what the replay wrote.
    const written = new Set(replayed.map((e) => e.id));
    this.delivery.writeDurable(
      socket,
      queued.filter((e) => !written.has(e.id)),
    );
  }
}
