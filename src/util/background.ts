import type { PinoLogger } from 'nestjs-pino';

/**
 * Runs work nobody awaits, so that its failure is logged rather than becoming an unhandled
 * rejection (which would take the node down).
 */
export function background(logger: Pick<PinoLogger, 'warn'>, what: string, work: Promise<unknown>): void {
  work.catch((err: unknown) => logger.warn({ err }, `${what} failed`));
}
