import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { ClientCommand, CommandType } from '@orderwire/contracts';
import { newUlid, SERVICE_COMMANDS } from '@orderwire/contracts';
import { from, mergeMap, type Observable } from 'rxjs';
import type { HubSocket } from '../transport/hub-server.js';
import { SERVICE_BRIDGE } from '../engine/engine.tokens.js';
import type { ServiceBridge } from '../engine/service-bridge.js';
import { HubException } from '../util/hub.exception.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';

const FORWARDED: ReadonlySet<string> = new Set(SERVICE_COMMANDS);

/**
 * Hands every accepted command to the services subscribed to it (PROTOCOL section 7) and to the
 * webhooks that take it (docs/protocol.md section 12), before the client gets its reply, so that
 * an accepted command is queued at least once for each. It sits outside the idempotency
 * interceptor: a client retrying with the same requestId after a failed hand-off queues it again,
 * and the job id (from the requestId) keeps that to one job per service and webhook. A service
 * at COMMAND_QUEUE_MAX refuses the command before it is carried out.
 */
@Injectable()
export class CommandForwardInterceptor implements NestInterceptor {
  constructor(
    @Inject(SERVICE_BRIDGE) private readonly bridge: ServiceBridge,
    private readonly webhooks: WebhooksService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ws = context.switchToWs();
    const type = ws.getPattern() as CommandType;
    if (!FORWARDED.has(type)) return next.handle();
    if (!this.bridge.hasSubscribers(type) && !this.webhooks.wants(type)) return next.handle();
    const full = this.bridge.backlogged(type);
    if (full) {
      // Refused before it is carried out: a service that has fallen this far behind would
      // otherwise grow its queue without a bound (docs/protocol.md, LIMIT_REACHED).
      throw new HubException(
        'LIMIT_REACHED',
        `a service that handles ${type} is ${full.waiting} commands behind; try again later`,
        { scope: 'service', limit: full.limit },
      );
    }
    const socket = ws.getClient<HubSocket>();
    const data = ws.getData() as Record<string, unknown>;
    return next
      .handle()
      .pipe(mergeMap((reply) => from(this.forward(socket, type, data, reply).then(() => reply))));
  }

  private async forward(
    socket: HubSocket,
    type: CommandType,
    data: Record<string, unknown>,
    reply: unknown,
  ): Promise<void> {
    const s = socket.data.session;
    const requestId = typeof data.requestId === 'string' ? data.requestId : undefined;
    const command = {
      commandId: requestId ? `req-${encodeURIComponent(`${s.userKey}|${requestId}`)}` : newUlid(),
      type,
      data,
      reply: (reply as { data?: unknown } | undefined)?.data,
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
      await Promise.all([this.bridge.dispatch(command), this.webhooks.command(command)]);
    } catch {
      throw new HubException(
        'INTERNAL',
        'the command was carried out but could not be handed to the services; retry it with the same requestId',
      );
    }
  }
}
