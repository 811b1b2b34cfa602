import { type DynamicModule, Global, Inject, Module } from '@nestjs/common';
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import { NestLogger, ROOT_LOGGER } from './nest-logger.js';

export { NestLogger, ROOT_LOGGER };

/**
 * The hub's logs: one pino logger per application, a child of it per class that asks for one
 * (`@InjectLogger(Class.name)`, every line carrying `context`), and Nest's own lines through
 * NestLogger. In place of nestjs-pino, whose releases for NestJS 12 require Node 22.12 (the hub
 * runs on Node 20), and whose per-request middleware had to stay off anyway (an AsyncLocalStorage
 * per request turns promise hooks on for the whole process on Node 20). Unlike it, the root
 * logger is the application's, not the process's, so two hubs in one process log apart.
 */
export type HubLogger = Logger;

/** Every context some class asked for, known once its module is imported. */
const contexts = new Set<string>();

function loggerToken(context: string): string {
  return `orderwire:logger:${context}`;
}

/** Injects a child logger whose lines carry `{ context }`. */
export function InjectLogger(context: string): ParameterDecorator {
  contexts.add(context);
  return Inject(loggerToken(context));
}

export interface LoggingOptions {
  level: string;
  format: 'json' | 'pretty';
}

/**
 * The root logger with the hub's settings. Pretty is for a developer's terminal: pino-pretty is a
 * dev dependency, so where it is not installed (a production image) the lines stay JSON, with a
 * warning, rather than the transport's worker failing.
 */
export function createRootLogger(options: LoggingOptions): Logger {
  const pretty = options.format === 'pretty' && installed('pino-pretty');
  const logger = pino({
    level: options.level,
    // Never a credential in a log line, whoever logs a request or a handshake.
    redact: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'token'],
    ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
  });
  if (options.format === 'pretty' && !pretty) {
    logger.warn('LOG_FORMAT=pretty needs pino-pretty, which is not installed here: logging JSON');
  }
  return logger;
}

function installed(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

@Global()
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    const children = [...contexts].map((context) => ({
      provide: loggerToken(context),
      useFactory: (root: Logger) => root.child({ context }),
      inject: [ROOT_LOGGER],
    }));
    return {
      module: LoggingModule,
      providers: [
        { provide: ROOT_LOGGER, useFactory: () => createRootLogger(options) },
        NestLogger,
        ...children,
      ],
      exports: [ROOT_LOGGER, NestLogger, ...children.map((c) => c.provide)],
    };
  }
}
