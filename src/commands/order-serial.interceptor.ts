import { type CallHandler, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { RUNTIME } from '../session/session.js';
import { sessionOf } from '../transport/socket-link.js';
import { HubException } from '../util/hub.exception.js';
import { type AroundInterceptor, aroundIntercept, type Proceed } from './around.js';
import { declaredFor, declaredOn } from './command.decorators.js';

/** Commands on one order that may wait for the one in progress. */
const MAX_WAITING = 64;

type Lanes = Map<string, Array<() => void>>;

/**
 * Commands whose unit declares `perOrder` run one at a time per session and order, in arrival
 * order: Socket.IO dispatches pipelined packets at once, and a client sending `accepted` then
 * `preparing` without awaiting could otherwise have the second checked against the state before
 * the first. Other commands (and other orders) still run concurrently. At MAX_WAITING behind one
 * order, RATE_LIMITED.
 */
@Injectable()
export class OrderSerialInterceptor implements AroundInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return aroundIntercept(this, context, next);
  }

  appliesTo(handler: object): boolean {
    return !!declaredOn(handler).rule?.perOrder;
  }

  around(context: ExecutionContext, proceed: Proceed): Promise<unknown> {
    if (!declaredFor(context).rule?.perOrder) return proceed();
    const ws = context.switchToWs();
    const orderId = ws.getData<{ orderId?: unknown } | null>()?.orderId;
    if (typeof orderId !== 'string') return proceed();
    const lanes = (sessionOf(ws.getClient())[RUNTIME].lanes ??= new Map());
    const waiting = lanes.get(orderId);
    if (!waiting) {
      lanes.set(orderId, []);
      return this.run(lanes, orderId, proceed);
    }
    if (waiting.length >= MAX_WAITING) {
      return Promise.reject(
        new HubException('RATE_LIMITED', 'too many commands waiting on this order', { retryAfterMs: 100 }),
      );
    }
    return new Promise<void>((resolve) => waiting.push(resolve)).then(() =>
      this.run(lanes, orderId, proceed),
    );
  }

  private async run(lanes: Lanes, orderId: string, proceed: Proceed): Promise<unknown> {
    try {
      return await proceed();
    } finally {
      const following = lanes.get(orderId)?.shift();
      if (following) following();
      else lanes.delete(orderId);
    }
  }
}
