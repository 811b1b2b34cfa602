import type { ErrorCode } from '@orderwire/contracts/protocol';

/** Codes the SDK itself raises, beside the protocol's: no reply in time, or the manager is closed. */
export type ClientErrorCode = 'TIMEOUT' | 'CLOSED';

/** A refused command or connection, carrying the protocol code. */
export class OrderwireError extends Error {
  override name = 'OrderwireError';

  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
