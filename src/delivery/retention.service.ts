import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MESSAGE_STORE, ORDER_STORE } from '../engine/engine.tokens.js';
import type { MessageStore } from '../engine/message-store.js';
import type { OrderStore } from '../engine/order-store.js';

const SWEEP_EVERY_MS = 60_000;

/**
 * Once a minute: drops durable messages older than MESSAGE_TTL_SECONDS, dead letters older than
 * DEAD_LETTER_TTL_SECONDS and final orders older than ORDER_RETENTION_SECONDS. (The count and
 * byte caps are kept by the stores themselves, as they write.)
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectLogger(RetentionService.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MESSAGE_STORE) private readonly messages: MessageStore,
    @Inject(ORDER_STORE) private readonly orders: OrderStore,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(Date.now()), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async sweep(now: number): Promise<{ messages: number; orders: number }> {
    try {
      const messages = await this.messages.prune(now);
      const orders = await this.orders.prune(now - this.config.orders.retentionMs);
      if (messages || orders) this.logger.debug({ messages, orders }, 'retention sweep');
      return { messages, orders };
    } catch (err) {
      this.logger.warn({ err }, 'retention sweep failed');
      return { messages: 0, orders: 0 };
    }
  }
}
