import { applyDecorators, UseFilters, UseInterceptors, UsePipes } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import type { Role } from '@orderwire/contracts';
import { NAMESPACES } from '@orderwire/contracts';
import { CommandInterceptors } from '../commands/command-interceptors.js';
import { WsExceptionFilter } from '../commands/ws-exception.filter.js';
import { WsValidationPipe } from '../commands/ws-validation.pipe.js';

/**
 * A role gateway with its enhancers bound on the class (global ones do not reach gateways,
 * nestjs/nest#3475): validation pipe, exception filter, and the logging, rate-limit,
 * command-forwarding and idempotency interceptors, in that order. Who may send what is checked
 * once, before Nest, by the packet middleware (commandRefusal, from COMMANDS).
 */
export function HubGateway(role: Role): ClassDecorator {
  return applyDecorators(
    WebSocketGateway({ namespace: NAMESPACES[role] }),
    UseFilters(WsExceptionFilter),
    UsePipes(WsValidationPipe),
    // Logging, rate limit, command forwarding and idempotency, in that order (one chain: see
    // CommandInterceptors).
    UseInterceptors(CommandInterceptors),
  );
}
