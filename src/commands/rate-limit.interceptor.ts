import { type CallHandler, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { linkOf } from '../transport/socket-link.js';
import { type AroundInterceptor, aroundIntercept, type Proceed } from './around.js';
import { declaredFor } from './command.decorators.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * The rate limits of a command (rate-limiter.ts): the session's and the user's buckets, and the
 * bucket its unit names (`rate: 'courier'`). Over them it is RATE_LIMITED, before validation.
 */
@Injectable()
export class RateLimitInterceptor implements AroundInterceptor {
  constructor(private readonly limiter: RateLimiter) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return aroundIntercept(this, context, next);
  }

  around(context: ExecutionContext, proceed: Proceed): Promise<unknown> {
    try {
      this.limiter.check(linkOf(context.switchToWs().getClient()), declaredFor(context).rule?.rate);
    } catch (err) {
      return Promise.reject(err);
    }
    return proceed();
  }
}
