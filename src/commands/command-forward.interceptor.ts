import { type CallHandler, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ClientCommand, CommandType } from '@orderwire/contracts';
import { ALL_TENANTS, newUlid } from '@orderwire/contracts';
import type { Observable } from 'rxjs';
import { type AroundInterceptor, aroundIntercept, type Proceed } from './around.js';
import type { Session } from '../session/session.js';
import { sessionOf } from '../transport/socket-link.js';
import { SERVICE_BRIDGE } from '../engine/engine.tokens.js';
import type { ServiceBridge } from '../engine/service-bridge.js';
import { HubException } from '../util/hub.exception.js';
import { unavailable } from '../util/unavailable.js';
import { withTimeout } from '../util/with-timeout.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { declaredFor, declaredOn } from './command.decorators.js';

/**
 * Hands every accepted command whose unit declares `forward` to the services subscribed to it (PROTOCOL section 7) and to the
 * webhooks that take it (docs/protocol.md section 12), before the client gets its reply, so that
 * an accepted command is queued at least once for each. It sits outside the idempotency
 * interceptor: a client retrying with the same requestId after a failed hand-off queues it again,
 * and the job id (from the requestId) keeps that to one job per service and webhook. A service
 * at COMMAND_QUEUE_MAX refuses the command before it is carried out.
 */
@Injectable()
export class CommandForwardInterceptor implements AroundInterceptor {
  constructor(
    @Inject(SERVICE_BRIDGE) private readonly bridge: ServiceBridge,
    private readonly webhooks: WebhooksService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return aroundIntercept(this, context, next);
  }

  appliesTo(handler: object): boolean {
    return !!declaredOn(handler).rule?.forward;
  }

  around(context: ExecutionContext, proceed: Proceed): Promise<unknown> {
    const rule = declaredFor(context).rule;
    if (!rule?.forward) return proceed();
    const { type } = rule;
    const ws = context.switchToWs();
    if (!this.bridge.hasSubscribers(type) && !this.webhooks.wants(type)) return proceed();
    const full = this.bridge.backlogged(type);
    if (full) {
      // Refused before it is carried out: a service that has fallen this far behind would
      // otherwise grow its queue without a bound (docs/protocol.md, LIMIT_REACHED).
      const message = `a service that handles ${type} is ${full.waiting} commands behind; try again later`;
      return Promise.reject(
        new HubException('LIMIT_REACHED', message, { scope: 'service', limit: full.limit }),
      );
    }
    return this.carryOut(sessionOf(ws.getClient()), type, ws.getData(), proceed, rule.withhold);
  }

  private async carryOut(
    session: Session,
    type: CommandType,
    data: Record<string, unknown>,
    proceed: Proceed,
    withhold: readonly string[] | undefined,
  ): Promise<unknown> {
    const reply = await proceed();
    const replied = (reply as { data?: unknown } | undefined)?.data;
    await this.forward(session, type, without(data, withhold), without(replied, withhold));
    return reply;
  }

  private async forward(
    s: Session,
    type: CommandType,
    data: Record<string, unknown>,
    reply: unknown,
  ): Promise<void> {
    const requestId = typeof data.requestId === 'string' ? data.requestId : undefined;
    const command = {
      commandId: requestId ? `req-${encodeURIComponent(`${s.userKey}|${requestId}`)}` : newUlid(),
      type,
      data,
      reply,
      // A platform admin acts on the tenant it named (the handler has checked it: tenantOf).
      tenantId: s.tenantId === ALL_TENANTS && typeof data.tenantId === 'string' ? data.tenantId : s.tenantId,
      user: {
        id: s.userId,
        role: s.role,
        tenantId: s.tenantId,
        ...(s.crewRole ? { crewRole: s.crewRole } : {}),
      },
      sessionId: s.sessionId,
      ...(requestId ? { requestId } : {}),
      receivedAt: new Date().toISOString(),
    } as ClientCommand;
    try {
      // The queues' connection waits through outages (BullMQ's): the command's deadline is here.
      await withTimeout(
        Promise.all([this.bridge.dispatch(command), this.webhooks.command(command)]),
        this.config.engine.commandTimeoutMs,
        'hand-off timed out',
      );
    } catch {
      throw unavailable(
        'the command was carried out but could not be handed to the services; retry it with the same requestId',
      );
    }
  }
}

/** `value` without the `fields` a unit withholds from services (a copy; the value itself as is). */
function without<T>(value: T, fields: readonly string[] | undefined): T {
  if (!fields || !value || typeof value !== 'object' || !fields.some((f) => f in value)) return value;
  const copy = { ...(value as Record<string, unknown>) };
  for (const field of fields) delete copy[field];
  return copy as T;
}
