import { Inject, Injectable } from '@nestjs/common';
import type { DurableType, Envelope } from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MESSAGE_STORE } from '../engine/engine.tokens.js';
import type { MessageStore } from '../engine/message-store.js';
import type { Link } from '../session/link.js';
import { DeliveryService } from './delivery.service.js';
import { ReplayHold } from './replay-hold.js';
import { SlowConsumerService } from './slow-consumer.service.js';

export interface ReplayOutcome {
  replayed: number;
  recovered: boolean;
}

/** A replay read and not yet written: the socket is on hold until `finish`. */
export interface PreparedReplay extends ReplayOutcome {
  envelopes: Envelope<DurableType>[];
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
    private readonly slowConsumers: SlowConsumerService,
    private readonly delivery: DeliveryService,
  ) {}

  /**
   * Puts the socket on hold and reads what it missed after `cursor` (nothing without one). The
   * caller tells the client the outcome (system.welcome), then calls `finish`, which writes the
   * replay and what was held meanwhile. If the read fails, the hold is released and it throws.
   */
  async prepare(link: Link, cursor: string | undefined): Promise<PreparedReplay> {
    const { role, tenantId } = link.session;
    this.hold.begin(link);
    try {
      if (cursor === undefined) return { replayed: 0, recovered: true, envelopes: [] };
      const rooms = link.rooms();
      const result = await this.store.readAfter(
        cursor,
        { role, tenantId, rooms },
        this.config.delivery.replayMax,
      );
      const envelopes = result.messages.map((m) => m.envelope);
      return { replayed: envelopes.length, recovered: result.recovered, envelopes };
    } catch (err) {
      this.hold.end(link, []);
      throw err;
    }
  }

  /** A replay the client asked for (the `replay` command): prepare, then finish at once. */
  async replay(link: Link, cursor: string | undefined): Promise<ReplayOutcome> {
    const prepared = await this.prepare(link, cursor);
    await this.finish(link, prepared);
    return { replayed: prepared.replayed, recovered: prepared.recovered };
  }

  /** Writes the prepared replay, then the messages held during it, and releases the hold. */
  async finish(link: Link, prepared: PreparedReplay): Promise<void> {
    try {
      await this.write(link, prepared.envelopes);
    } finally {
      const { queued, overflowed } = this.hold.end(link, prepared.envelopes);
      if (queued.length > 0) this.delivery.writeDurable(link, queued);
      if (overflowed && link.connected) {
        // More than REPLAY_MAX live messages arrived during the replay: catch up from the cursor.
        this.slowConsumers.shedDuringReplay(link, this.config.delivery.replayMax);
        link.close();
      }
    }
  }

  /**
   * Writes the replay in slices of about half SLOW_CONSUMER_SOFT_BYTES, each once the socket has
   * taken most of the one before: a long replay to a client on a slow link then neither piles up
   * in memory nor trips the slow-consumer bounds that it would otherwise cause itself.
   */
  private async write(link: Link, envelopes: Envelope<DurableType>[]): Promise<void> {
    const slice = this.config.limits.slowConsumer.softBytes / 2;
    let from = 0;
    let bytes = 0;
    for (let i = 0; i < envelopes.length; i++) {
      bytes += JSON.stringify(envelopes[i]).length;
      if (bytes < slice && i < envelopes.length - 1) continue;
      if (!link.connected) return;
      this.delivery.writeDurable(link, envelopes.slice(from, i + 1));
      from = i + 1;
      bytes = 0;
      if (from < envelopes.length && !(await link.drained(slice))) return;
    }
  }
}
