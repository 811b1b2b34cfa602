import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Connections } from './connections.js';
import { HubServer } from './hub-server.js';
import { TransportPatches } from './patches.js';

/**
 * The role namespaces (HubServer: for the transport and the gateways, which touch Socket.IO), the
 * connections as the rest of the hub sees them (Connections, Links: no Socket.IO object), and
 * which patches of the transport libraries' internals this node uses (decided once, at boot).
 */
@Module({
  providers: [
    HubServer,
    Connections,
    {
      provide: TransportPatches,
      useFactory: (config: AppConfig) => new TransportPatches(config.ws.patches),
      inject: [APP_CONFIG],
    },
  ],
  exports: [HubServer, Connections, TransportPatches],
})
export class TransportModule {}
