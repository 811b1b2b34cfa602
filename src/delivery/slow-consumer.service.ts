import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { MetricsService } from '../metrics/metrics.service.js';
import { DeliveryService } from './delivery.service.js';
import type { HubSocket } from '../transport/hub-server.js';

/**
 * What the hub says to a socket it sheds for not reading what was written to it (past
 * SLOW_CONSUMER_MAX_BYTES, or SLOW_CONSUMER_SOFT_BYTES for SLOW_CONSUMER_SOFT_MS; the transport
 * measures and closes, see transport/frame-batching.ts). Its durable messages stay in the log: the
 * client reconnects with its cursor and gets them by replay.
 */
@Injectable()
export class SlowConsumerService {
  constructor(
    @InjectPinoLogger(SlowConsumerService.name) private readonly logger: PinoLogger,
    private readonly delivery: DeliveryService,
    private readonly metrics: MetricsService,
  ) {}

  shed(socket: HubSocket, queuedBytes: number): void {
    const { session } = socket.data;
    this.metrics.slowConsumers.inc({ role: session.role });
    this.logger.warn(
      { sessionId: session.sessionId, userId: session.userId, tenantId: session.tenantId, queuedBytes },
      'slow consumer disconnected',
    );
    this.delivery.emitTo(socket, 'system.error', {
      code: 'SLOW_CONSUMER',
      message: `disconnected: ${queuedBytes} bytes were waiting unread; reconnect with your cursor to catch up`,
    });
  }
}
