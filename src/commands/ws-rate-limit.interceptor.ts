import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { HubSocket } from '../transport/hub-server.js';
import { RateLimiter } from './rate-limiter.js';
import { wsOf } from './ws-context.js';

/**
 * A token bucket per socket (RATE_COMMANDS_PER_SECOND, bursts of RATE_COMMAND_BURST), and a
 * tighter one for courier.location. A refusal is RATE_LIMITED with `details.retryAfterMs`;
 * RATE_STRIKES refusals within RATE_STRIKE_WINDOW_MS disconnect the socket.
 */
@Injectable()
export class WsRateLimitInterceptor implements NestInterceptor {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ws = wsOf(context);
    this.limiter.check(ws.getClient<HubSocket>(), ws.getPattern());
    return next.handle();
  }
}
