import { Inject, Injectable, type LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/**
 * Nest's boot chatter (a line per module, route and gateway mapped): at `debug`, so that `info`
 * starts with the hub's own banner (main.ts). Warnings and errors from them keep their level.
 */
const BOOT_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
  'NestApplication',
]);

/** The application's root pino logger (LoggingModule). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * Nest's LoggerService over the hub's pino logger (`app.useLogger`): Nest's own lines, and every
 * `new Logger(context)` of a library in the process, come out as the hub's JSON lines. Nest calls
 * `log(message, ...params, context)`: the last parameter is the context; a message may be an
 * object (its fields are logged) or an Error (logged as `err`).
 */
@Injectable()
export class NestLogger implements LoggerService {
  constructor(@Inject(ROOT_LOGGER) private readonly root: Logger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    const context = params[params.length - 1];
    this.write(typeof context === 'string' && BOOT_CONTEXTS.has(context) ? 'debug' : 'info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    let rest = params;
    if (params.length > 0 && typeof params[params.length - 1] === 'string') {
      fields.context = params[params.length - 1];
      rest = params.slice(0, -1);
    }
    // Nest's exception handlers call error(message, stack, context).
    if (level === 'error' && typeof message === 'string' && isStack(rest[0])) {
      const err = new Error(message);
      err.stack = rest[0];
      this.root.error({ ...fields, err });
      return;
    }
    if (message instanceof Error) {
      this.root[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const msg = typeof rest[0] === 'string' ? rest[0] : undefined;
      this.root[level]({ ...fields, ...message }, msg);
    } else {
      this.root[level](fields, String(message));
    }
  }
}

function isStack(value: unknown): value is string {
  return typeof value === 'string' && /\n\s*at /.test(value);
}
