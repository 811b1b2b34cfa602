import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { type Observable, tap } from 'rxjs';
import type { HubSocket } from '../transport/hub-server.js';
import { DrainState } from '../util/drain.state.js';
import { HubException } from '../util/hub.exception.js';
import { wsOf } from './ws-context.js';

/**
 * One structured log line per command: session, user, tenant, request id, outcome and duration.
 * Payloads are never logged (auth.refresh carries a token). Also counts the command as in flight
 * for draining.
 */
@Injectable()
export class WsLoggingInterceptor implements NestInterceptor {
  constructor(
    @InjectPinoLogger(WsLoggingInterceptor.name) private readonly logger: PinoLogger,
    private readonly drain: DrainState,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ws = wsOf(context);
    const socket = ws.getClient<HubSocket>();
    const data: unknown = ws.getData();
    const session = socket.data.session;
    const started = performance.now();
    const done = this.drain.begin();
    const fields = {
      event: ws.getPattern(),
      sessionId: session.sessionId,
      userId: session.userId,
      tenantId: session.tenantId,
      requestId:
        data && typeof data === 'object' && typeof (data as { requestId?: unknown }).requestId === 'string'
          ? (data as { requestId: string }).requestId
          : undefined,
    };
    return next.handle().pipe(
      tap({
        next: () => {
          if (this.logger.logger.isLevelEnabled('debug')) {
            this.logger.debug({ ...fields, ok: true, ms: performance.now() - started }, 'command');
          }
        },
        error: (err: unknown) => {
          const code = err instanceof HubException ? err.code : 'INTERNAL';
          this.logger.info(
            { ...fields, ok: false, code, ms: performance.now() - started },
            'command refused',
          );
        },
        finalize: done,
      }),
    );
  }
}
