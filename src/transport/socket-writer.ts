import type { Role } from '@orderwire/contracts';
import type { Link } from '../session/link.js';
import { RUNTIME, type SessionRuntime } from '../session/session.js';
import type { HubNamespace, HubSocket } from './hub-server.js';
import type { SocketLink } from './socket-link.js';
import { parseUserKey, Rooms } from '../routing/rooms.js';
import { anyGranted, isCumulative, owe, owedMessage, owedOf } from './cumulative-acks.js';

/** Socket.IO parser packet type of an event. */
const EVENT_PACKET = 2;

/**
 * When a socket last acknowledged a durable message, the newest packet id it acknowledged, and
 * how long it usually takes (delivery/ack-time.ts).
 */
export type AckTracking = Pick<SessionRuntime, 'lastAckAt' | 'lastAckId' | 'ackSrttMs' | 'ackRttVarMs'>;

/** The socket an acknowledgement came from. */
export interface AckingSocket {
  id: string;
  role: Role;
  userKey: string;
  /** The user's room (Rooms.user): their other sessions on this node. */
  userRoom: string;
  tracking: AckTracking;
}

/** Called once per acknowledging socket; `packetId` is the packet it acknowledged. */
export type AckHandler = (socket: AckingSocket, packetId: number | undefined) => void;

/**
 * What durable delivery needs from the sockets of this node: writes with acknowledgement
 * callbacks, and the acknowledgements each socket still owes. DeliveryPolicy is written against
 * this; its unit tests use a fake.
 */
export interface DurableWriter {
  /** Adds the user keys of `role`'s sockets in `rooms` (except `except`) to `into`; returns how many sockets. */
  reach(role: Role, rooms: ReadonlySet<string>, except: ReadonlySet<string>, into: Set<string>): number;
  /**
   * Writes one event (`args`, encoded once) to `role`'s sockets in `rooms` on this node, except
   * `except`, each with an ack callback; returns the sockets written and the packet id used.
   */
  broadcast(
    role: Role,
    rooms: ReadonlySet<string>,
    except: ReadonlySet<string>,
    args: unknown[],
    onAck: AckHandler,
  ): { written: number; packetId?: number };
  /** Writes one event to one connection with an ack callback (a replay). */
  write(link: Link, args: unknown[], onAck: AckHandler): void;
  /** Ids of `role`'s sockets in `room` on this node. */
  members(role: Role, room: string): ReadonlySet<string> | undefined;
  /** `userKey`'s role, user room, and the ids of their sockets on this node. */
  socketsOf(userKey: string): { role: Role; room: string; ids: ReadonlySet<string> | undefined };
  /** Packet ids the socket still owes an acknowledgement for, oldest first; undefined if it is gone. */
  owedAcks(role: Role, socketId: string): ReadonlyMap<number, unknown> | undefined;
  ackTracking(role: Role, socketId: string): AckTracking | undefined;
  /** Forgets the sockets' ack callbacks for `packetIds` (the message is done with). */
  dropAcks(role: Role, socketIds: Iterable<string>, packetIds: readonly number[]): void;
}

/**
 * A socket's ack callbacks, Socket.IO's own (a Map in write order, which its typings mark private
 * but its adapters write to): read and pruned only with the `socket-acks` patch
 * (transport/patches.ts), undefined when the member is not there.
 */
export function acksOf(socket: HubSocket): Map<number, unknown> | undefined {
  const acks = (socket as unknown as { acks?: unknown }).acks;
  return acks instanceof Map ? (acks as Map<number, unknown>) : undefined;
}

/**
 * Without `socket-acks`, the packet ids each socket owes an ack for, as this writer wrote them
 * (oldest first), at most this many per socket (the oldest is forgotten past it: a retry may then
 * go to a socket that is merely behind). Socket.IO keeps its own callbacks until they are
 * called or the socket disconnects.
 */
export const OWED_ACKS_MAX = 4096;

/**
 * The sockets of `nsp` in any of `rooms` and in none of `except`, each once (every socket when
 * `rooms` is empty), from the adapter's public room map: what socket.io-adapter's private
 * `apply` does.
 */
export function eachSocket(
  nsp: HubNamespace,
  rooms: ReadonlySet<string>,
  except: ReadonlySet<string>,
  callback: (socket: HubSocket) => void,
): void {
  const map = nsp.adapter.rooms;
  let skip: Set<string> | undefined;
  for (const room of except) {
    const ids = map.get(room);
    if (!ids) continue;
    skip ??= new Set();
    for (const id of ids) skip.add(id);
  }
  if (rooms.size === 0) {
    for (const [id, socket] of nsp.sockets) if (!skip?.has(id)) callback(socket);
    return;
  }
  const seen = rooms.size > 1 ? new Set<string>() : undefined;
  for (const room of rooms) {
    const ids = map.get(room);
    if (!ids) continue;
    for (const id of ids) {
      if (skip?.has(id) || seen?.has(id)) continue;
      seen?.add(id);
      const socket = nsp.sockets.get(id);
      if (socket) callback(socket);
    }
  }
}

/** The view of an acknowledging socket that delivery gets. */
function acking(socket: HubSocket): AckingSocket | undefined {
  const session = socket?.data?.session;
  if (!session) return undefined;
  const runtime = session[RUNTIME];
  return {
    id: socket.id,
    role: session.role,
    userKey: session.userKey,
    userRoom: (runtime.userRoom ??= Rooms.user(session.tenantId, session.userId)),
    tracking: runtime,
  };
}

/** An owed message's acknowledgement by `socket`, as its ack callback would report it. */
const ackedBy =
  (onAck: AckHandler) =>
  (socket: unknown, packetId: number | undefined): void => {
    const from = acking(socket as HubSocket);
    if (from) onAck(from, packetId);
  };

/** The Socket.IO implementation of DurableWriter over this node's role namespaces. */
export class SocketIoWriter implements DurableWriter {
  /** Without `socket-acks`: what each socket owes, as this writer wrote it. */
  private readonly owed = new WeakMap<HubSocket, Map<number, true>>();

  constructor(
    private readonly nsp: (role: Role) => HubNamespace | undefined,
    /** The `socket-acks` patch: Socket.IO's own ack callbacks read and pruned. */
    private readonly socketAcks = true,
  ) {}

  reach(role: Role, rooms: ReadonlySet<string>, except: ReadonlySet<string>, into: Set<string>): number {
    const nsp = this.nsp(role);
    if (!nsp) return 0;
    let reached = 0;
    eachSocket(nsp, rooms, except, (socket) => {
      into.add(socket.data.session.userKey);
      reached++;
    });
    return reached;
  }

  broadcast(
    role: Role,
    rooms: ReadonlySet<string>,
    except: ReadonlySet<string>,
    args: unknown[],
    onAck: AckHandler,
  ): { written: number; packetId?: number } {
    const nsp = this.nsp(role);
    if (!nsp) return { written: 0 };
    // Socket.IO assigns the packet's id as it writes it; the ack callback reads it afterwards.
    const packet: { type: number; data: unknown[]; nsp: string; id?: number } = {
      type: EVENT_PACKET,
      data: args,
      nsp: nsp.name,
    };
    let written = 0;
    const owed = this.socketAcks ? undefined : this.owed;
    const recipients: HubSocket[] | undefined = owed ? [] : undefined;
    // Protocol 1.1's granted sockets get the packet without an ack id (cumulative-acks.ts).
    const cumulative: HubSocket[] = [];
    if (recipients || anyGranted(nsp)) {
      eachSocket(nsp, rooms, except, (socket) =>
        (isCumulative(socket) ? cumulative : recipients)?.push(socket),
      );
    }
    let withAck = except;
    if (cumulative.length > 0) {
      withAck = new Set(except);
      for (const socket of cumulative) (withAck as Set<string>).add(socket.id);
    }
    nsp.adapter.broadcastWithAck(
      packet as never,
      { rooms: rooms as Set<string>, except: withAck as Set<string>, flags: { local: true } },
      (count) => (written = count),
      function (this: HubSocket) {
        owed?.get(this)?.delete(packet.id!);
        const from = acking(this);
        if (from) onAck(from, packet.id);
      },
    );
    if (recipients && packet.id !== undefined) for (const socket of recipients) this.owe(socket, packet.id);
    if (cumulative.length > 0) written += this.writeCumulative(nsp, cumulative, args, packet.id, onAck);
    return { written, packetId: packet.id };
  }

  write(link: Link, args: unknown[], onAck: AckHandler): void {
    const { socket } = link as SocketLink;
    if (isCumulative(socket)) {
      (socket.emit as (ev: string, ...a: unknown[]) => boolean)(args[0] as string, ...args.slice(1));
      const owed = owedMessage(args, undefined, ackedBy(onAck));
      if (owed) owe(socket, owed);
      return;
    }
    (socket.emit as (ev: string, ...a: unknown[]) => boolean)(
      args[0] as string,
      ...args.slice(1),
      function (this: HubSocket) {
        const from = acking(this);
        if (from) onAck(from, undefined);
      },
    );
  }

  members(role: Role, room: string): ReadonlySet<string> | undefined {
    return this.nsp(role)?.adapter.rooms.get(room);
  }

  socketsOf(userKey: string): { role: Role; room: string; ids: ReadonlySet<string> | undefined } {
    const { role, tenantId, userId } = parseUserKey(userKey);
    const room = Rooms.user(tenantId, userId);
    return { role, room, ids: this.nsp(role)?.adapter.rooms.get(room) };
  }

  owedAcks(role: Role, socketId: string): ReadonlyMap<number, unknown> | undefined {
    const socket = this.nsp(role)?.sockets.get(socketId);
    if (!socket) return undefined;
    return owedOf(socket) ?? (this.socketAcks ? acksOf(socket) : (this.owed.get(socket) ?? new Map()));
  }

  /**
   * The packet, without an ack id, to the granted sockets: one write to their rooms (each socket
   * has its own), the arguments encoded once as for everyone else; each remembers what it owes.
   */
  private writeCumulative(
    nsp: HubNamespace,
    sockets: HubSocket[],
    args: unknown[],
    packetId: number | undefined,
    onAck: AckHandler,
  ): number {
    nsp.adapter.broadcast({ type: EVENT_PACKET, data: args, nsp: nsp.name } as never, {
      rooms: new Set(sockets.map((s) => s.id)),
      except: new Set(),
      flags: { local: true },
    });
    const owed = owedMessage(args, packetId, ackedBy(onAck));
    if (owed) for (const socket of sockets) owe(socket, owed);
    return sockets.length;
  }

  private owe(socket: HubSocket, packetId: number): void {
    let owed = this.owed.get(socket);
    if (!owed) this.owed.set(socket, (owed = new Map()));
    owed.set(packetId, true);
    if (owed.size > OWED_ACKS_MAX) owed.delete(owed.keys().next().value as number);
  }

  ackTracking(role: Role, socketId: string): AckTracking | undefined {
    return this.nsp(role)?.sockets.get(socketId)?.data.session?.[RUNTIME];
  }

  dropAcks(role: Role, socketIds: Iterable<string>, packetIds: readonly number[]): void {
    const nsp = this.nsp(role);
    if (!nsp || packetIds.length === 0) return;
    for (const id of socketIds) {
      // The acknowledging socket's own callback may be among them: Socket.IO deletes it after the
      // call (onack), so deleting it first changes nothing.
      const socket = nsp.sockets.get(id);
      if (!socket) continue;
      const acks = owedOf(socket) ?? (this.socketAcks ? acksOf(socket) : this.owed.get(socket));
      if (!acks) continue;
      for (const packetId of packetIds) acks.delete(packetId);
    }
  }
}
