import type { HubLogger } from './logging.js';

/**
 * Runs work nobody awaits, so that its failure is logged rather than becoming an unhandled
 * rejection (which would take the node down).
 */
export function background(logger: Pick<HubLogger, 'warn'>, what: string, work: Promise<unknown>): void {
  work.catch((err: unknown) => logger.warn({ err }, `${what} failed`));
}
