import type { AckMode, CommandData, CommandType, ErrorCode, Role } from '@orderwire/contracts/protocol';
import type { KeyValueStorage } from './storage.js';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed';

/**
 * Why the manager went `offline`:
 * - `attempts_exhausted`: the hub could not be reached (or stayed busy) for `reconnectAttempts`;
 * - `token_refused`: the hub refused the token (`UNAUTHORIZED`, `TOKEN_EXPIRED`), and `getToken`
 *   could not fetch one it accepts within the attempts;
 * - `forbidden`: the token is valid, but not for this namespace or tenant (`FORBIDDEN`);
 * - `refused`: another refusal that retrying the same way cannot fix.
 */
export type OfflineReason = 'attempts_exhausted' | 'token_refused' | 'forbidden' | 'refused';

export interface OfflineInfo {
  reason: OfflineReason;
  /** The protocol code of the last refusal, when the hub sent one. */
  code?: ErrorCode;
  message?: string;
}

export interface GlobalWebSocketManagerOptions {
  /** The hub's origin, such as `https://hub.example` (the namespace comes from `userType`). */
  url: string;
  userType: Role;
  /** A token, or `getToken` to fetch one (called again before `exp` and after a refusal). */
  token?: string;
  getToken?: () => string | Promise<string>;
  /** Reconnection attempts after a drop; `Infinity` never gives up. Default 5. */
  reconnectAttempts?: number;
  debug?: boolean;
  /** Default `['websocket', 'polling']`: WebSocket first, long-polling when it cannot connect. */
  transports?: Array<'websocket' | 'polling'>;
  /** Where the cursor and the outbox are kept; default `localStorage` in browsers, memory elsewhere. */
  storage?: KeyValueStorage;
  /** Prefix of the storage keys; default `orderwire:<userType>`. */
  storageKey?: string;
  /** Socket.IO path; default `/ws`. */
  path?: string;
  /** Reconnect delays: from `minMs` doubling to `maxMs`, ± `jitter`. Default 1 s, 30 s, 0.5. */
  backoff?: { minMs?: number; maxMs?: number; jitter?: number };
  /** How many message ids are remembered for dedupe. Default 1,000. */
  dedupeWindow?: number;
  /** How long `send` waits for a reply. Default 10 s. */
  commandTimeoutMs?: number;
  /**
   * In browsers, resume by itself: when the network returns (`online`) and when the page is
   * visible again (`visibilitychange`), as `resume()` does. Default true; false leaves it to you.
   */
  autoResume?: boolean;
  /** A page hidden at least this long may have a dead transport: check it when visible. Default 15 s. */
  hiddenCheckAfterMs?: number;
  /** Refresh the token this long before `exp` (at most a tenth of its life). Default 30 s. */
  refreshBeforeExpMs?: number;
  /**
   * How durable messages are acknowledged: `cumulative` (default; protocol 1.1, one `ack` event
   * for a burst, when the hub's welcome grants it) or `each` (a Socket.IO ack per message).
   */
  acks?: AckMode;
  /** With cumulative acks: at most one `ack` per this many ms (sent the next turn when it may). Default 20. */
  ackIntervalMs?: number;
}

/**
 * What `send` takes after the command: its DTO's fields, optional only where every field is
 * (a requestId is added unless you give one).
 */
export type CommandArgs<C extends CommandType> =
  Partial<CommandData<C>> extends CommandData<C> ? [data?: CommandData<C>] : [data: CommandData<C>];

export interface RecoveryInfo {
  /** False when the hub could not replay everything since the cursor: refetch from `order.board`. */
  recovered: boolean;
  replayed: number;
}

/** The options a manager runs with, defaults filled in. */
export interface ManagerSettings {
  reconnectAttempts: number;
  commandTimeoutMs: number;
  refreshBeforeExpMs: number;
  hiddenCheckAfterMs: number;
  dedupeWindow: number;
  acks: AckMode;
  ackIntervalMs: number;
  backoff: { minMs: number; maxMs: number; jitter: number };
  /** Prefix of the storage keys. */
  keyPrefix: string;
}

export function settingsOf(options: GlobalWebSocketManagerOptions): ManagerSettings {
  return {
    reconnectAttempts: options.reconnectAttempts ?? 5,
    commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
    refreshBeforeExpMs: options.refreshBeforeExpMs ?? 30_000,
    hiddenCheckAfterMs: options.hiddenCheckAfterMs ?? 15_000,
    dedupeWindow: options.dedupeWindow ?? 1000,
    acks: options.acks ?? 'cumulative',
    ackIntervalMs: options.ackIntervalMs ?? 20,
    backoff: {
      minMs: options.backoff?.minMs ?? 1000,
      maxMs: options.backoff?.maxMs ?? 30_000,
      jitter: options.backoff?.jitter ?? 0.5,
    },
    keyPrefix: options.storageKey ?? `orderwire:${options.userType}`,
  };
}
