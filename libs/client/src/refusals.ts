import type { ErrorCode } from '@orderwire/contracts/protocol';
import type { OfflineInfo } from './manager-options.js';
import type { OrderwireError } from './orderwire-error.js';

/** Refusals after which retrying with the same token is pointless. */
export const TOKEN_CODES: ReadonlySet<string> = new Set(['UNAUTHORIZED', 'TOKEN_EXPIRED']);
/** Refusals that mean "later": the hub is busy, draining or cannot reach its storage. */
export const LATER_CODES: ReadonlySet<string> = new Set(['TOO_MANY_CONNECTIONS', 'RATE_LIMITED']);

/** Why the manager goes offline after a refusal that retrying the same way cannot fix. */
export function offlineInfo(code: ErrorCode, message: string): OfflineInfo {
  if (TOKEN_CODES.has(code)) return { reason: 'token_refused', code, message };
  return { reason: code === 'FORBIDDEN' ? 'forbidden' : 'refused', code, message };
}

/** Why the manager goes offline once its reconnection attempts are spent, after `last` (if any). */
export function offlineAfterAttempts(last: OrderwireError | undefined): OfflineInfo {
  if (last && TOKEN_CODES.has(last.code))
    return { reason: 'token_refused', code: last.code as ErrorCode, message: last.message };
  return {
    reason: 'attempts_exhausted',
    ...(last ? { code: last.code as ErrorCode, message: last.message } : {}),
  };
}

/**
 * What to do after the hub refused a connection with `code`: fetch a fresh token and retry
 * (`renew`, when the token was refused and `getToken` can fetch one), retry later with the same
 * (`later`: busy, draining, rate-limited), or go offline (why).
 */
export function afterRefusal(
  code: ErrorCode,
  message: string,
  renewable: boolean,
): 'renew' | 'later' | OfflineInfo {
  if (TOKEN_CODES.has(code) && renewable) return 'renew';
  if (LATER_CODES.has(code)) return 'later';
  return offlineInfo(code, message);
}
