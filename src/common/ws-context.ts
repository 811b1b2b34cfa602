import type { ArgumentsHost } from '@nestjs/common';
import type { WsArgumentsHost } from '@nestjs/common/interfaces/index.js';

/**
 * The WebSocket view of a guard's or interceptor's context. Nest's switchToWs() makes three
 * closures on every call, and the roles guard and the four interceptors each asked for it; Nest's
 * context keeps what the first call made, so later ones reuse it.
 */
export function wsOf(context: ArgumentsHost): WsArgumentsHost {
  const host = context as ArgumentsHost & Partial<WsArgumentsHost>;
  return host.getClient && host.getData && host.getPattern ? (host as WsArgumentsHost) : context.switchToWs();
}
