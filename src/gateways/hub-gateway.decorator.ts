import { applyDecorators, UseFilters, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import type { Role } from '@orderwire/contracts';
import { NAMESPACES } from '@orderwire/contracts';
import { CommandInterceptors } from '../common/command-interceptors.js';
import { WsExceptionFilter } from '../common/ws-exception.filter.js';
import { WsRolesGuard } from '../common/ws-roles.guard.js';
import { WsValidationPipe } from '../common/ws-validation.pipe.js';

/**
 * A role gateway with its enhancers bound on the class (global ones do not reach gateways,
 * nestjs/nest#3475): roles guard, validation pipe, exception filter, and the logging,
 * rate-limit, command-forwarding and idempotency interceptors, in that order.
 */
export function HubGateway(role: Role): ClassDecorator {
  return applyDecorators(
    WebSocketGateway({ namespace: NAMESPACES[role] }),
    UseFilters(WsExceptionFilter),
    UseGuards(WsRolesGuard),
    UsePipes(WsValidationPipe),
    // Logging, rate limit, command forwarding and idempotency, in that order (one chain: see
    // CommandInterceptors).
    UseInterceptors(CommandInterceptors),
  );
}
