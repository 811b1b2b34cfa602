import { WebSocketGateway } from '@nestjs/websockets';
import type { Role } from '@orderwire/contracts';
import { NAMESPACES } from '@orderwire/contracts';

/**
 * A role's namespace gateway: the connection lifecycle (handshake middleware, connect,
 * disconnect). Its commands are the command units' (unit-gateways.ts), on the same namespace.
 */
export function HubGateway(role: Role): ClassDecorator {
  return WebSocketGateway({ namespace: NAMESPACES[role] });
}
