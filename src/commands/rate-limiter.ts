import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RUNTIME, type RateState } from '../session/session.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import type { Link } from '../session/link.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { HubException } from '../util/hub.exception.js';
import { KeyedBuckets, take } from '../util/token-bucket.js';

/**
 * The per-socket limits and the per-user one (all of a user's sessions on this node), applied to
 * every command (RateLimitInterceptor) and unknown event (admission): a token bucket per socket
 * (RATE_COMMANDS_PER_SECOND, bursts of RATE_COMMAND_BURST), one per user, and a tighter one for
 * the commands whose unit declares `rate: 'courier'` (courier.location). A refusal is RATE_LIMITED with `details.retryAfterMs`; RATE_STRIKES
 * refusals within RATE_STRIKE_WINDOW_MS disconnect the socket.
 */
@Injectable()
export class RateLimiter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly delivery: DeliveryService,
  ) {
    const l = config.limits;
    this.users = new KeyedBuckets(l.userCommandsPerSecond, l.userCommandBurst);
  }

  private readonly users: KeyedBuckets;

  /** Throws RATE_LIMITED when the socket is over its limit (and disconnects repeat offenders). */
  check(link: Link, bucket?: 'courier'): void {
    const l = this.config.limits;
    const now = Date.now();
    const state = (link.session[RUNTIME].rate ??= newState(l.commandBurst, l.courierPerSecond, now));
    const general = { tokens: state.tokens, at: state.refilledAt };
    let wait = take(general, l.commandsPerSecond, l.commandBurst, now);
    state.tokens = general.tokens;
    state.refilledAt = general.at;
    let scope = 'command';
    if (wait === 0) {
      // The user's sessions on this node share one budget, so ten sessions are not ten budgets.
      wait = this.users.take(link.session.userKey, now);
      if (wait > 0) scope = 'user';
    }
    if (wait === 0 && bucket === 'courier') {
      const courier = { tokens: state.courierTokens, at: state.courierRefilledAt };
      wait = take(courier, l.courierPerSecond, l.courierPerSecond, now);
      state.courierTokens = courier.tokens;
      state.courierRefilledAt = courier.at;
      scope = 'courier';
    }
    if (wait === 0) return;
    this.metrics.rateLimited.inc({ scope });
    state.strikes = state.strikes.filter((t) => now - t < l.strikeWindowMs);
    state.strikes.push(now);
    if (state.strikes.length >= l.strikes) {
      this.delivery.emitTo(link, 'system.error', {
        code: 'RATE_LIMITED',
        message: 'disconnected for breaking the rate limit repeatedly',
      });
      // Let the ack and the error leave before the transport closes.
      setImmediate(() => link.close());
    }
    throw new HubException('RATE_LIMITED', 'too many commands; slow down', { retryAfterMs: wait });
  }
}

function newState(burst: number, courierRate: number, now: number): RateState {
  return { tokens: burst, refilledAt: now, courierTokens: courierRate, courierRefilledAt: now, strikes: [] };
}
