import { Module } from '@nestjs/common';
import { Connections } from './connections.js';
import { HubServer } from './hub-server.js';

/**
 * The role namespaces (HubServer: for the transport and the gateways, which touch Socket.IO) and
 * the connections as the rest of the hub sees them (Connections, Links: no Socket.IO object).
 */
@Module({ providers: [HubServer, Connections], exports: [HubServer, Connections] })
export class TransportModule {}
