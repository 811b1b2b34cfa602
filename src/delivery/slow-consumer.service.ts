import { Injectable } from '@nestjs/common';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { DeliveryService } from './delivery.service.js';
import type { Link } from '../session/link.js';

/**
 * What the hub says to a socket it sheds for not reading what was written to it (past
 * SLOW_CONSUMER_MAX_BYTES, or SLOW_CONSUMER_SOFT_BYTES for SLOW_CONSUMER_SOFT_MS; the transport
 * measures and closes, see transport/frame-batching.ts). Its durable messages stay in the log: the
 * client reconnects with its cursor and gets them by replay. Also a socket that cannot take its
 * replay as fast as messages arrive (more than REPLAY_MAX held during it, see ReplayHold).
 */
@Injectable()
export class SlowConsumerService {
  constructor(
    @InjectLogger(SlowConsumerService.name) private readonly logger: HubLogger,
    private readonly delivery: DeliveryService,
    private readonly metrics: MetricsService,
  ) {}

  /** Past the transport's byte bounds: `queuedBytes` were waiting unread (the transport closes it). */
  shed(link: Link, queuedBytes: number): void {
    this.goodbye(link, `${queuedBytes} bytes were waiting unread`, { queuedBytes });
  }

  /** Past REPLAY_MAX live messages held during its replay (ReplayService disconnects it). */
  shedDuringReplay(link: Link, heldMax: number): void {
    this.goodbye(link, `more than ${heldMax} messages arrived during your replay`, { heldMax });
  }

  private goodbye(link: Link, why: string, detail: Record<string, number>): void {
    const { session } = link;
    this.metrics.slowConsumers.inc({ role: session.role });
    this.logger.warn(
      { sessionId: session.sessionId, userId: session.userId, tenantId: session.tenantId, ...detail },
      'slow consumer disconnected',
    );
    this.delivery.emitTo(link, 'system.error', {
      code: 'SLOW_CONSUMER',
      message: `disconnected: ${why}; reconnect with your cursor to catch up`,
    });
  }
}
