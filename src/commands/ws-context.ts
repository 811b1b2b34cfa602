import type { ArgumentsHost } from '@nestjs/common';
import type { WsArgumentsHost } from '@nestjs/common/interfaces/index.js';

/**
 * The WebSocket view of an interceptor's or filter's context. Nest's switchToWs() makes three
 * closures on every call and each of the four interceptors asks for it; Nest's context keeps what
 * the first call made, so later ones reuse it.
 */
export function wsOf(context: ArgumentsHost): WsArgumentsHost {
  const host = context as ArgumentsHost & Partial<WsArgumentsHost>;
  return host.getClient && host.getData && host.getPattern ? (host as WsArgumentsHost) : context.switchToWs();
}
