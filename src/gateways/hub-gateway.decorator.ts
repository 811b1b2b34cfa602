import { applyDecorators, UseFilters, UseInterceptors, UsePipes } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import type { Role } from '@orderwire/contracts';
import { NAMESPACES } from '@orderwire/contracts';
import { CommandForwardInterceptor } from '../commands/command-forward.interceptor.js';
import { IdempotencyInterceptor } from '../commands/idempotency.interceptor.js';
import { WsExceptionFilter } from '../commands/ws-exception.filter.js';
import { WsValidationPipe } from '../commands/ws-validation.pipe.js';

/**
 * A role gateway with its enhancers bound on the class (global ones do not reach gateways,
 * nestjs/nest#3475): validation pipe, exception filter, and the command-forwarding and
 * idempotency interceptors, in that order. Who may send what, logging and rate limits are
 * admission's, before Nest (commands/packet.middleware.ts, from COMMANDS).
 */
export function HubGateway(role: Role): ClassDecorator {
  return applyDecorators(
    WebSocketGateway({ namespace: NAMESPACES[role] }),
    UseFilters(WsExceptionFilter),
    UsePipes(WsValidationPipe),
    // Command forwarding, then idempotency (the command lane chains them: commands/command-lane.ts).
    UseInterceptors(CommandForwardInterceptor, IdempotencyInterceptor),
  );
}
