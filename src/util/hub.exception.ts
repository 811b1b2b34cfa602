import { WsException } from '@nestjs/websockets';
import type { ErrorCode, FieldError, ProtocolErrorBody } from '@orderwire/contracts';

/** The one error type commands throw: a protocol code, a safe message and optional details. */
export class HubException extends WsException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ProtocolErrorBody['details'],
  ) {
    super({ code, message, details });
  }

  toBody(): ProtocolErrorBody {
    const body: ProtocolErrorBody = { code: this.code, message: this.message };
    if (this.details !== undefined) body.details = this.details;
    return body;
  }

  static fromBody(body: ProtocolErrorBody): HubException {
    return new HubException(body.code, body.message, body.details);
  }
}

export const notFound = (what: string): HubException => new HubException('NOT_FOUND', `${what} not found`);
export const forbidden = (message: string): HubException => new HubException('FORBIDDEN', message);
export const conflict = (message: string, details?: ProtocolErrorBody['details']): HubException =>
  new HubException('CONFLICT', message, details);
/** VALIDATION_FAILED with `details.fields` naming each field at fault and why. */
export const invalid = (fields: FieldError[], message = 'invalid payload'): HubException =>
  new HubException('VALIDATION_FAILED', message, { fields });
