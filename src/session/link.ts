import type { Session } from './session.js';

/**
 * A session's connection, as the hub outside its transport sees it: who it is, whether it is still
 * there, its rooms, and the few things the hub does to one connection. The transport implements it
 * over a Socket.IO socket (transport/socket-link.ts); nothing else touches Socket.IO objects.
 */
export interface Link {
  /** The connection's id, unique on this node. */
  readonly id: string;
  readonly session: Session;
  readonly connected: boolean;
  /** The rooms it is in (its own id's room left out). */
  rooms(): string[];
  inRoom(room: string): boolean;
  join(rooms: string | readonly string[]): void;
  leave(room: string): void;
  /** An event to this connection alone: written now, not stored, not retried. */
  emit(event: string, payload: unknown): void;
  /** Ends the connection; the client sees the server close it (and does not reconnect by itself). */
  close(): void;
  /** Resolves once at most `bytes` wait unwritten, or false when the connection closes first. */
  drained(bytes: number): Promise<boolean>;
}
