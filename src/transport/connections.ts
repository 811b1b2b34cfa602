import { Injectable } from '@nestjs/common';
import { ROLES, type Role } from '@orderwire/contracts';
import type { BusChannel } from '../engine/cluster-bus.js';
import { Rooms } from '../routing/rooms.js';
import type { Link } from '../session/link.js';
import type { Session } from '../session/session.js';
import { HubServer } from './hub-server.js';
import { type DurableWriter, SocketIoWriter } from './socket-writer.js';
import { linkOf } from './socket-link.js';
import { TransportPatches } from './patches.js';

/**
 * This node's connections, as the rest of the hub uses them: a connection by id, counts, room
 * names, events to rooms of this node, ending the sessions in a room anywhere in the cluster, the
 * durable writer and the channel the nodes talk through. Nothing here hands out a Socket.IO object
 * (the transport wall, issue #28): a connection is a Link.
 */
@Injectable()
export class Connections {
  constructor(
    private readonly server: HubServer,
    private readonly patches: TransportPatches,
  ) {}

  /** A connection of `role` on this node. */
  link(role: Role, id: string): Link | undefined {
    const socket = this.server.nsp(role)?.sockets.get(id);
    return socket ? linkOf(socket) : undefined;
  }

  /** Connections of `role` on this node. */
  count(role: Role): number {
    return this.server.nsp(role)?.sockets.size ?? 0;
  }

  /** The rooms that have connections of `role` on this node. */
  rooms(role: Role): Iterable<string> {
    return this.server.nsp(role)?.adapter.rooms.keys() ?? [];
  }

  /** Every session on this node. */
  *sessions(): Iterable<Session> {
    for (const role of ROLES)
      for (const socket of this.server.nsp(role)?.sockets.values() ?? []) yield socket.data.session;
  }

  /** Whether this node has connections of the tenant, of any role (its room `t:<tenant>`). */
  hasTenant(tenantId: string): boolean {
    const room = Rooms.tenant(tenantId);
    for (const role of ROLES)
      if ((this.server.nsp(role)?.adapter.rooms.get(room)?.size ?? 0) > 0) return true;
    return false;
  }

  /** Whether a broadcast to `rooms` of `role` may reach a connection (see HubServer.mayReach). */
  mayReach(role: Role, rooms: readonly string[]): boolean {
    return this.server.mayReach(role, rooms);
  }

  /**
   * An event to the connections of `role` in `rooms` (every node's), except `except` (this node's
   * ids): volatile.
   */
  emit(
    role: Role,
    rooms: readonly string[],
    except: Iterable<string>,
    event: string,
    payload: unknown,
  ): void {
    const nsp = this.server.nsp(role);
    if (!nsp) return;
    const to = nsp.to(rooms as string[]);
    const skip = [...except];
    (skip.length ? to.except(skip) : to).emit(event, payload as never);
  }

  /** An event to the connections of `role` on this node, in `room` or all of them: volatile. */
  emitLocal(role: Role, room: string | undefined, event: string, payload: unknown): void {
    const nsp = this.server.nsp(role);
    if (!nsp) return;
    (room === undefined ? nsp.local : nsp.local.to(room)).emit(event, payload as never);
  }

  /**
   * Ends the sessions in `room` on every node (the cluster adapter reaches them), those `keep`
   * passes, each told `event` `payload` first. Returns how many.
   */
  async closeIn(
    room: string,
    keep: (session: Pick<Session, 'userId' | 'sessionId'>) => boolean,
    event: string,
    payload: unknown,
  ): Promise<number> {
    let closed = 0;
    for (const role of ROLES) {
      const nsp = this.server.nsp(role);
      if (!nsp) continue;
      for (const socket of await nsp.in(room).fetchSockets()) {
        if (!keep(socket.data.session)) continue;
        (socket.emit as (ev: string, ...args: unknown[]) => boolean)(event, payload);
        socket.disconnect(true);
        closed++;
      }
    }
    return closed;
  }

  /**
   * Who is connected in `room` of `role`'s namespace, on every node (the cluster adapter asks the
   * others; an alert's details, not a hot path).
   */
  async sessionsIn(role: Role, room: string): Promise<Array<Pick<Session, 'userId' | 'crewRole'>>> {
    const nsp = this.server.nsp(role);
    if (!nsp) return [];
    return (await nsp.in(room).fetchSockets()).map((socket) => {
      const { userId, crewRole } = socket.data.session as Session;
      return { userId, ...(crewRole ? { crewRole } : {}) };
    });
  }

  /** Durable writes with acknowledgements to this node's connections (delivery/delivery-policy.ts). */
  durableWriter(): DurableWriter {
    return new SocketIoWriter((role) => this.server.nsp(role), this.patches.has('socket-acks'));
  }

  /**
   * 0.2's channel between the nodes (CLUSTER_BUS both or adapter; the engine's own bus otherwise):
   * the customer namespace's server-side events over the
   * cluster adapter (engine/cluster-bus.ts). Undefined before the namespaces exist.
   */
  channel(): BusChannel | undefined {
    const nsp = this.server.nsp('customer');
    if (!nsp) return undefined;
    return {
      on: (event, listener) => void nsp.on(event, listener as never),
      send: (event, ...args) => void nsp.serverSideEmit(event, ...(args as never[])),
    };
  }
}
