import type { Link } from '../session/link.js';
import type { Session } from '../session/session.js';
import { waitForRoom } from './frame-batching.js';
import type { HubSocket } from './hub-server.js';

const LINK = Symbol('orderwire:link');

type Linked = HubSocket & { [LINK]?: SocketLink };

/** A Link over one Socket.IO socket: made at the first ask, one per socket. */
export class SocketLink implements Link {
  constructor(readonly socket: HubSocket) {}

  get id(): string {
    return this.socket.id;
  }

  get session(): Session {
    return this.socket.data.session;
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  rooms(): string[] {
    const own = this.socket.id;
    return [...this.socket.rooms].filter((r) => r !== own);
  }

  inRoom(room: string): boolean {
    return this.socket.rooms.has(room);
  }

  join(rooms: string | readonly string[]): void {
    void this.socket.join(rooms as string | string[]);
  }

  leave(room: string): void {
    void this.socket.leave(room);
  }

  emit(event: string, payload: unknown): void {
    (this.socket.emit as (ev: string, ...args: unknown[]) => boolean)(event, payload);
  }

  close(): void {
    this.socket.disconnect(true);
  }

  drained(bytes: number): Promise<boolean> {
    return waitForRoom(this.socket.conn as never, bytes);
  }
}

/**
 * The Link of a connection as Nest hands it to guards, interceptors, filters and handlers (the
 * ExecutionContext's client), or as the transport holds it.
 */
export function linkOf(client: unknown): SocketLink {
  const socket = client as Linked;
  return (socket[LINK] ??= new SocketLink(socket));
}

/** The session of a connection as Nest hands it (the ExecutionContext's client). */
export function sessionOf(client: unknown): Session {
  return (client as HubSocket).data.session;
}
