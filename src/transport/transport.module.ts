import { Module } from '@nestjs/common';
import { HubServer } from './hub-server.js';

/** The role namespaces of this node (the Socket.IO server itself is HubIoAdapter, set at boot). */
@Module({ providers: [HubServer], exports: [HubServer] })
export class TransportModule {}
