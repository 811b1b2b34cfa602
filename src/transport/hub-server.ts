import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '@orderwire/contracts';
import type { Namespace, Socket } from 'socket.io';
import type { Session } from '../session/session.js';
import { SOCKET_ADAPTER, type SocketAdapterFactory } from '../engine/engine.tokens.js';

export interface SocketData {
  session: Session;
}
export type HubSocket = Socket<
  Record<string, never>,
  Record<string, never>,
  Record<string, never>,
  SocketData
>;
export type HubNamespace = Namespace<
  Record<string, never>,
  Record<string, never>,
  Record<string, never>,
  SocketData
>;

/** The role namespaces of this node. */
@Injectable()
export class HubServer {
  private readonly namespaces = new Map<Role, HubNamespace>();
  /** Whether every socket is on this node (Socket.IO's own in-memory adapter, no cluster adapter). */
  private readonly single: boolean;

  constructor(@Inject(SOCKET_ADAPTER) clusterAdapter: SocketAdapterFactory) {
    this.single = !clusterAdapter;
  }

  attach(role: Role, nsp: HubNamespace): void {
    this.namespaces.set(role, nsp);
  }

  nsp(role: Role): HubNamespace | undefined {
    return this.namespaces.get(role);
  }

  all(): HubNamespace[] {
    return [...this.namespaces.values()];
  }

  /**
   * Whether a broadcast to `rooms` of `role` may reach a socket. On a single node that is known
   * here, and a message nobody would receive is not even encoded (the admin activity feed with no
   * admin online, say); with a cluster adapter another node may hold the sockets, so always.
   */
  mayReach(role: Role, rooms: readonly string[]): boolean {
    if (!this.single) return true;
    const local = this.namespaces.get(role)?.adapter.rooms;
    if (!local) return false;
    for (const room of rooms) if ((local.get(room)?.size ?? 0) > 0) return true;
    return false;
  }
}
