import { Inject, Injectable } from '@nestjs/common';
import { REALTIME_TRANSPORT } from './realtime.tokens.js';
import type { RealtimeTransport } from './realtime.transport.js';

/** A terminus HealthIndicatorResult, written out so that this library does not need terminus. */
export type RealtimeHealthResult = Record<
  string,
  { status: 'up' | 'down'; transport: string; subscriptions: string[]; reason?: string }
>;

/**
 * The Broadcaster's health, for @nestjs/terminus: `up` while the hub cluster's Redis answers (or
 * the hub is in this process), `down` with the reason while it does not.
 *
 * @example
 *   @Get('health') @HealthCheck()
 *   check() { return this.health.check([() => this.realtime.isHealthy('orderwire')]); }
 */
@Injectable()
export class RealtimeHealthIndicator {
  constructor(@Inject(REALTIME_TRANSPORT) private readonly transport: RealtimeTransport) {}

  async isHealthy(key = 'orderwire'): Promise<RealtimeHealthResult> {
    const health = await this.transport.health();
    return {
      [key]: {
        status: health.up ? 'up' : 'down',
        transport: health.transport,
        subscriptions: health.subscriptions,
        ...(health.reason ? { reason: health.reason } : {}),
      },
    };
  }
}
