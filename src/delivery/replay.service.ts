import { Inject, Injectable } from '@nestjs/common';
import type { DurableType, Envelope } from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MESSAGE_STORE } from '../engine/engine.tokens.js';
import type { MessageStore } from '../engine/message-store.js';
import { RUNTIME } from '../auth/session.js';
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
      if (socket.connected) this.delivery.writeDurable(socket, replayed);
      return outcome;
    } finally {
      this.release(socket, held, replayed);
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
