import { Injectable } from '@nestjs/common';
import type { Role } from '@orderwire/contracts';
import { ROLES } from '@orderwire/contracts';
import type { Namespace, Socket } from 'socket.io';
import type { Session } from '../auth/session.js';

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

  attach(role: Role, nsp: HubNamespace): void {
    this.namespaces.set(role, nsp);
  }

  nsp(role: Role): HubNamespace | undefined {
    return this.namespaces.get(role);
  }

  all(): HubNamespace[] {
    return [...this.namespaces.values()];
  }

  /** Socket ids of `role` on hold: broadcasts pass them by (`except`). */
  held(role: Role): Set<string> {
    return this.holding.get(role)!;
  }
}
