import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { from, isObservable, mergeAll, type Observable, throwError } from 'rxjs';
import { CommandForwardInterceptor } from './command-forward.interceptor.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';

/**
 * The command interceptors, outermost first: forwarding to services, idempotency. (Logging, the
 * in-flight count and the rate limit are admission's, in packet.middleware.ts: they need no
 * observable.) Each is an ordinary NestInterceptor; this runs them as one chain.
 *
 * Nest wraps every interceptor it calls in its own deferred, async-scoped observable plus a
 * promise; with four interceptors that was a fifth of a command's CPU in the fan-out benchmark.
 * Here `next.handle()` of one interceptor is the next interceptor's observable, and only the route
 * handler keeps Nest's wrapping. An interceptor that throws before returning becomes an error of
 * its observable, so the outer ones see it as they would under Nest.
 */
@Injectable()
export class CommandInterceptors implements NestInterceptor {
  private readonly chain: NestInterceptor[];

  constructor(forward: CommandForwardInterceptor, idempotency: IdempotencyInterceptor) {
    this.chain = [forward, idempotency];
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return this.at(0, context, next);
  }

  private at(i: number, context: ExecutionContext, route: CallHandler): Observable<unknown> {
    if (i === this.chain.length) return route.handle();
    const next: CallHandler = { handle: () => this.at(i + 1, context, route) };
    try {
      const out = this.chain[i].intercept(context, next);
      return isObservable(out) ? out : from(out).pipe(mergeAll());
    } catch (err) {
      return throwError(() => err);
    }
  }
}
