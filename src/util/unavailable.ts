import { HubException } from './hub.exception.js';

/** When a client may try a command again after UNAVAILABLE. */
export const UNAVAILABLE_RETRY_AFTER_MS = 1000;

/**
 * What a Redis client (ioredis 6) says when the storage did not answer, as opposed to a bug: a
 * command past its `commandTimeout`, a command refused while disconnected (no offline queue), a
 * connection closed under it, retries used up; and the hand-off deadline of this hub.
 */
const MARKERS = [
  'Command timed out',
  "Stream isn't writeable",
  'Connection is closed',
  'max retries per request',
  'hand-off timed out',
];

export function isUnavailable(err: unknown): boolean {
  if (err instanceof HubException) return err.code === 'UNAVAILABLE';
  const message = err instanceof Error ? err.message : '';
  const name = err instanceof Error ? err.name : '';
  return name === 'MaxRetriesPerRequestError' || MARKERS.some((m) => message.includes(m));
}

/** The answer to a command whose storage did not answer in time (docs/protocol.md section 5). */
export function unavailable(
  message = 'the hub cannot reach its storage right now; retry shortly',
): HubException {
  return new HubException('UNAVAILABLE', message, { retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS });
}
