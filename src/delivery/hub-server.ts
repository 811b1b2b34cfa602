import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '@orderwire/contracts';
import { ROLES } from '@orderwire/contracts';
import type { Namespace, Socket } from 'socket.io';
import type { Session } from '../auth/session.js';
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

/**
 * Two members of Socket.IO that its typings mark private but that adapters rely on: the socket
 * iterator of the adapter and the ack callbacks of a socket. Used only by DeliveryService.
 */
export interface AdapterInternals {
  apply(opts: { rooms: Set<string>; except?: Set<string> }, callback: (socket: HubSocket) => void): void;
}
export function acksOf(socket: HubSocket): Map<number, unknown> {
  return (socket as unknown as { acks: Map<number, unknown> }).acks;
}

/**
 * The role namespaces of this node, and the sockets whose durable stream is on hold while a
 * replay is written to them (so that live messages can neither overtake the replay nor get lost).
 */
@Injectable()
export class HubServer {
  private readonly namespaces = new Map<Role, HubNamespace>();
  private readonly holding = new Map<Role, Set<string>>(ROLES.map((r: Role) => [r, new Set<string>()]));
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

  /** Socket ids of `role` on hold: broadcasts pass them by (`except`). */
  held(role: Role): Set<string> {
    return this.holding.get(role)!;
  }
}
