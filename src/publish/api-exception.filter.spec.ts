import { describe, expect, it, jest } from '@jest/globals';
import { type ArgumentsHost, HttpException, Logger } from '@nestjs/common';
import { ApiExceptionFilter } from './api-exception.filter.js';

function hostFor(url: string): { host: ArgumentsHost; sent: { status?: number; body?: unknown } } {
  const sent: { status?: number; body?: unknown } = {};
  const res = {
    status(code: number) {
      sent.status = code;
      return res;
    },
    json(body: unknown) {
      sent.body = body;
    },
  };
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ originalUrl: url, method: 'POST' }),
      getResponse: () => res,
    }),
  } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('ApiExceptionFilter', () => {
  it('an unexpected error becomes a bare INTERNAL for the client, and the whole error goes to the log', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const { host, sent } = hostFor('/api/v1/events');
      const bug = new TypeError('Cannot convert undefined or null to object');
      new ApiExceptionFilter().catch(bug, host);
      expect(sent).toEqual({ status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } });
      expect(JSON.stringify(sent.body)).not.toContain('Cannot convert');
      expect(logged).toHaveBeenCalledWith(
        expect.objectContaining({ err: bug, url: '/api/v1/events', msg: 'unexpected error' }),
      );
    } finally {
      logged.mockRestore();
    }
  });

  it('a refusal is answered as thrown and not logged as an error', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const { host, sent } = hostFor('/api/v1/events');
      const body = { error: { code: 'FORBIDDEN', message: 'no' } };
      new ApiExceptionFilter().catch(new HttpException(body, 403), host);
      expect(sent).toEqual({ status: 403, body });
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });
});
