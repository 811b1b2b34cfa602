import type { ErrorCode, FieldError } from '@orderwire/contracts';

/** Why a publish was refused: VALIDATION_FAILED (with fields), FORBIDDEN (tenant scope) or INTERNAL. */
export class RealtimeError extends Error {
  override name = 'RealtimeError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
  }
}
