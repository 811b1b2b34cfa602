import { Injectable } from '@nestjs/common';
import { HandshakeMiddleware } from '../auth/handshake.middleware.js';
import { HubServer } from '../transport/hub-server.js';
import { ConnectionService } from './connection.service.js';

/** What the role gateways use, injected once and shared by the three of them. */
@Injectable()
export class GatewayContext {
  constructor(
    readonly handshake: HandshakeMiddleware,
    readonly server: HubServer,
    readonly connections: ConnectionService,
  ) {}
}
