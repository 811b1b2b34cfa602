import { type CallHandler, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { sessionOf } from '../transport/socket-link.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { HubException } from '../util/hub.exception.js';
import { type AroundInterceptor, aroundIntercept, type Proceed } from './around.js';

/**
 * The command log: one line per command (session, user, tenant, request id, outcome, duration;
 * never the payload, auth.refresh carries a token). Refusals at info, successes at debug.
 */
@Injectable()
export class CommandLog {
  constructor(@InjectLogger('Command') private readonly logger: HubLogger) {}

  /** Whether a success would be written (when not, the interceptor does not time commands). */
  get successes(): boolean {
    return this.logger.isLevelEnabled('debug');
  }

  write(context: ExecutionContext, code: string | undefined, started: number): void {
    if (code === undefined && !this.successes) return;
    const ws = context.switchToWs();
    const session = sessionOf(ws.getClient());
    const requestId = ws.getData<{ requestId?: unknown } | null>()?.requestId;
    const fields = {
      event: ws.getPattern(),
      sessionId: session.sessionId,
      userId: session.userId,
      tenantId: session.tenantId,
      requestId: typeof requestId === 'string' ? requestId : undefined,
      ok: code === undefined,
      code,
      ms: performance.now() - started,
    };
    if (code === undefined) this.logger.debug(fields, 'command');
    else this.logger.info(fields, 'command refused');
  }
}

/** The code a failure is answered with, as far as the log can tell (the filter words the rest). */
export function codeOf(err: unknown): string {
  return err instanceof HubException ? err.code : 'INTERNAL';
}

/** Writes the command log line of every command its guards let through (they log their own refusals). */
@Injectable()
export class CommandLogInterceptor implements AroundInterceptor {
  constructor(private readonly log: CommandLog) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return aroundIntercept(this, context, next);
  }

  around(context: ExecutionContext, proceed: Proceed): Promise<unknown> {
    const started = performance.now();
    const failed = (err: unknown): never => {
      this.log.write(context, codeOf(err), started);
      throw err;
    };
    if (!this.log.successes) return proceed().catch(failed);
    return proceed().then((reply) => {
      this.log.write(context, undefined, started);
      return reply;
    }, failed);
  }
}
