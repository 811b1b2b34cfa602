import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { defer, isObservable, lastValueFrom, type Observable } from 'rxjs';

/** The rest of a call, as the command lane hands it to an interceptor: a promise of its reply. */
export type Proceed = () => Promise<unknown>;

/**
 * An interceptor whose rule is written once, over promises: `around` runs it, calling `proceed`
 * for the inner interceptors, the pipes and the handler (or not, to answer by itself), and
 * settles with the reply or rejects with the error. The command lane calls `around` directly;
 * Nest, and anything else that knows interceptors only, calls `intercept`, which is
 * `aroundIntercept`: the same rule over `next.handle()`.
 */
export interface AroundInterceptor extends NestInterceptor {
  around(context: ExecutionContext, proceed: Proceed): Promise<unknown>;
  /**
   * Whether its rule does anything for this handler (by what the handler declares); when not,
   * `around` only proceeds, and the command lane leaves it out of that handler's chain. Absent:
   * every handler.
   */
  appliesTo?(handler: object): boolean;
}

export function isAround(interceptor: NestInterceptor): interceptor is AroundInterceptor {
  return typeof (interceptor as Partial<AroundInterceptor>).around === 'function';
}

/**
 * `intercept` for an AroundInterceptor: its rule on subscription (as Nest's own interceptors
 * are deferred), with `next.handle()`'s last value as the reply (a WebSocket handler has one).
 */
export function aroundIntercept(
  interceptor: AroundInterceptor,
  context: ExecutionContext,
  next: CallHandler,
): Observable<unknown> {
  return defer(() =>
    interceptor.around(context, () => lastValueFrom(next.handle(), { defaultValue: undefined })),
  );
}

/** A handler's reply as Nest acks it: an observable's last value, else the value itself. */
export function settled(reply: unknown): unknown {
  return isObservable(reply) ? lastValueFrom(reply, { defaultValue: undefined }) : reply;
}
