import { exitOnSignals } from '@orderwire/realtime';
import { createHub } from './app.factory.js';
import { configWarnings } from './config/config-warnings.js';
import { ConfigError, loadConfig, readProcessEnv } from './config/load-config.js';
import { ROOT_LOGGER } from './util/nest-logger.js';
import { TransportPatches } from './transport/patches.js';
import type { HubLogger } from './util/logging.js';
import type { AppConfig } from './config/app-config.js';

/** Beyond the drain and the engine's close: the sockets' goodbyes (1 s) and the HTTP server. */
const SHUTDOWN_SLACK_MS = 2000;

/** Settings refused, at config time or by the running system (the keyring): one line, exit 78. */
async function orRefuse<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`orderwire: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}

/**
 * The one line that says where to go: the engine, the console, the API docs (when served), the
 * readiness probe, and how many warnings follow. Nest's own mapping lines are at `debug`.
 */
export function startBanner(
  config: AppConfig,
  port: number,
  file: string | undefined,
  warnings: number,
): string {
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? 'localhost' : config.http.host;
  const base = `${config.http.tls ? 'https' : 'http'}://${host}:${port}`;
  return [
    `orderwire hub ready on ${base} (engine ${config.engine.kind}, node ${config.engine.nodeId})`,
    `console ${base}/console`,
    ...(config.http.apiDocs ? [`API docs ${base}/api/docs`] : []),
    `readiness ${base}/health/ready`,
    `WebSocket path ${config.ws.path}`,
    ...(file ? [`settings from ${file} (the environment wins)`] : []),
    warnings ? `${warnings} warning${warnings === 1 ? '' : 's'} below` : 'no warnings',
  ].join(' · ');
}

async function bootstrap(): Promise<void> {
  const source = await orRefuse(readProcessEnv);
  const config = await orRefuse(() => loadConfig(source.env));
  const app = await orRefuse(() => createHub(config));
  const logger = app.get<HubLogger>(ROOT_LOGGER).child({ context: 'Main' });
  // A safety net: a failure nobody awaited is logged, and the node keeps serving.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  // SIGTERM drains (ShutdownService), closes the engine within its bound, then exits 0.
  exitOnSignals(app, {
    boundMs: config.shutdown.graceMs + config.shutdown.closeMs + SHUTDOWN_SLACK_MS,
    log: {
      info: (obj, msg) => logger.info({ ...obj, context: 'Shutdown' }, msg),
      error: (obj, msg) => logger.error({ ...obj, context: 'Shutdown' }, msg),
    },
  });
  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address() as { port: number } | null;
  const patches = app.get(TransportPatches);
  const warnings = [...configWarnings(config, source.env), ...patches.warnings()];
  logger.info(
    {
      engine: config.engine.kind,
      node: config.engine.nodeId,
      warnings: warnings.length,
      transportPatches: patches.summary().used,
    },
    startBanner(config, address?.port ?? config.http.port, source.file, warnings.length),
  );
  for (const line of warnings) logger.warn(line);
}

bootstrap().catch((err: unknown) => {
  process.stderr.write(`orderwire: failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
