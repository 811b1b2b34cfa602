import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import type { ProtocolErrorBody } from '@orderwire/contracts';
import { isErrorCode } from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import type { Link } from '../session/link.js';
import { linkOf } from '../transport/socket-link.js';
import { DependencyMonitor } from '../monitoring/dependency.monitor.js';
import { fail, isAckFn } from './ack.js';
import { HubException } from '../util/hub.exception.js';
import { isUnavailable, unavailable } from '../util/unavailable.js';

/** Turns every failure of a command into the ack `{ ok: false, error }`; never a stack. */
@Catch()
export class WsExceptionFilter implements ExceptionFilter {
  constructor(
    @InjectLogger(WsExceptionFilter.name) private readonly logger: HubLogger,
    private readonly delivery: DeliveryService,
    private readonly dependencies: DependencyMonitor,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const link = linkOf(ws.getClient());
    const ack: unknown = host.getArgByIndex(2);
    const body = this.toBody(exception, link);
    if (isAckFn(ack)) ack(fail(body));
    else this.delivery.emitTo(link, 'system.error', { code: body.code, message: body.message });
  }

  private toBody(exception: unknown, link: Link): ProtocolErrorBody {
    if (exception instanceof HubException) return exception.toBody();
    if (exception instanceof WsException) {
      const e = exception.getError();
      if (typeof e === 'object' && e && isErrorCode((e as ProtocolErrorBody).code))
        return e as ProtocolErrorBody;
      return { code: 'FORBIDDEN', message: typeof e === 'string' ? e : 'forbidden' };
    }
    if (isUnavailable(exception) || this.dependencies.isDown) {
      this.logger.warn(
        { sessionId: link.session?.sessionId, err: (exception as Error)?.message },
        'command failed: the storage did not answer',
      );
      return unavailable().toBody();
    }
    this.logger.error({ err: exception, sessionId: link.session?.sessionId }, 'command failed');
    return { code: 'INTERNAL', message: 'internal error' };
  }
}
