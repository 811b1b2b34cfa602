import { type ArgumentsHost, Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { ErrorCode } from '@orderwire/contracts';
import type { Request, Response } from 'express';

const CODES: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: 'VALIDATION_FAILED',
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHORIZED',
  [HttpStatus.FORBIDDEN]: 'FORBIDDEN',
  [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'PAYLOAD_TOO_LARGE',
  [HttpStatus.TOO_MANY_REQUESTS]: 'RATE_LIMITED',
};

/**
 * Errors under `/api/` as `{ error: { code, message, details? } }` (PROTOCOL section 7), body-parser
 * refusals (413, malformed JSON) included. Other routes keep Nest's default shape.
 */
@Catch()
export class ApiExceptionFilter extends BaseExceptionFilter {
  private readonly log = new Logger(ApiExceptionFilter.name);

  override catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    if (!req?.originalUrl?.startsWith('/api/')) return super.catch(exception, host);
    const res = http.getResponse<Response>();
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let body: unknown = { error: { code: 'INTERNAL', message: 'internal error' } };
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const response = exception.getResponse();
      body =
        typeof response === 'object' && response && 'error' in response && typeof response.error === 'object'
          ? response
          : { error: { code: CODES[status] ?? 'INTERNAL', message: exception.message } };
    } else if (isBodyParserError(exception)) {
      status = exception.status;
      body = {
        error: {
          code: CODES[status] ?? 'VALIDATION_FAILED',
          message: status === 413 ? 'the body is too large' : 'the body is not valid JSON',
        },
      };
    } else {
      // A bug, not a refusal: the client sees only INTERNAL, the log has the whole error.
      this.log.error({ err: exception, method: req.method, url: req.originalUrl, msg: 'unexpected error' });
    }
    res.status(status).json(body);
  }
}

function isBodyParserError(e: unknown): e is { status: number; type: string } {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { status?: unknown }).status === 'number' &&
    'type' in e
  );
}
