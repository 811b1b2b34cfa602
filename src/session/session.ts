import type {
  AckMode,
  AuditActor,
  CrewRole,
  DurableType,
  Envelope,
  HubClaims,
  Role,
} from '@orderwire/contracts';

/** Per-socket rate state, created on the first command so that idle sockets carry none. */
export interface RateState {
  tokens: number;
  refilledAt: number;
  courierTokens: number;
  courierRefilledAt: number;
  /** Times (epoch ms) of recent rate-limit violations. */
  strikes: number[];
}

/** What the hub knows about one connected socket; kept in `socket.data.session`. */
export interface Session {
  sessionId: string;
  userId: string;
  role: Role;
  tenantId: string;
  crewRole?: CrewRole;
  userKey: string;
  /** The claims of the token in force (replaced by auth.refresh). */
  claims: HubClaims;
  /** performance.now() at the start of the handshake, for the handshake-to-welcome metric. */
  handshakeAt: number;
  /** The cursor the client sent in the handshake, if any. */
  cursor?: string;
  /** How it acknowledges durable messages (protocol 1.1, `auth.acks`; docs/protocol.md 16). */
  acks: AckMode;
  /**
   * What lives only in this process. Under a symbol key, so that it stays out of `socket.data`
   * when the cluster adapter serializes it for other nodes (fetchSockets).
   */
  [RUNTIME]: SessionRuntime;
}

export const RUNTIME = Symbol('session runtime');

export interface SessionRuntime {
  rate?: RateState;
  expiryTimer?: NodeJS.Timeout;
  /** Live durable messages held back while a replay is written to this socket. */
  held?: Envelope<DurableType>[];
  /**
   * Commands on one order from this socket, one at a time: the key is the order id, the value
   * the commands waiting behind the one in progress.
   */
  lanes?: Map<string, Array<() => void>>;
  /** The newest Socket.IO packet id this socket acknowledged a durable message with, and when. */
  lastAckId?: number;
  lastAckAt?: number;
  /** How long this socket usually takes to acknowledge (delivery/ack-time.ts). */
  ackSrttMs?: number;
  ackRttVarMs?: number;
  /** The name of this user's room (Rooms.user), made once. */
  userRoom?: string;
  /** Set when the connection has gone: commands still on their way are refused (SessionGuard). */
  ended?: boolean;
  /** A cumulative session's durable messages still owed (transport/cumulative-acks.ts). */
  owed?: Map<number, OwedMessage>;
  /** Its `ack` events this second, and when the second began. */
  ackEvents?: { count: number; since: number; warned: boolean };
}

/**
 * A durable message written to cumulative sessions and not yet acknowledged: one object per write,
 * shared by every socket it went to (each socket's map holds it under the write's packet id).
 */
export interface OwedMessage {
  /** Where its cursor stands (cursorSeq). */
  seq: number;
  cursor: string;
  /** The write's packet id (undefined: a replay). */
  packetId?: number;
  /** What the Socket.IO ack callback would have called, for `socket`. */
  acked(socket: unknown, packetId: number | undefined): void;
}

/** Who a session is, as an audit entry's actor. */
export function actorOf(session: Session): AuditActor {
  return {
    id: session.userId,
    type: session.role,
    ...(session.crewRole ? { crewRole: session.crewRole } : {}),
  };
}
