import type { INestApplicationContext } from '@nestjs/common';

export interface ShutdownSignalOptions {
  /**
   * The most the whole shutdown may take (drain and closing connections). Past it the process
   * exits with code 1 and says so: an orchestrator's SIGKILL would say nothing.
   */
  boundMs: number;
  log: {
    info(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * SIGTERM or SIGINT: `app.close()` (Nest's shutdown hooks), then exit 0; exit 1 if it fails or
 * outlives `boundMs`. A second signal exits at once (code 1). Used instead of Nest's
 * `enableShutdownHooks`, which waits for the hooks without a bound and ignores a second signal.
 */
export function exitOnSignals(app: INestApplicationContext, options: ShutdownSignalOptions): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      options.log.error({ signal }, 'second signal during shutdown: exiting at once');
      process.exit(1);
    }
    stopping = true;
    const started = Date.now();
    options.log.info({ signal, boundMs: options.boundMs }, 'shutdown requested');
    const watchdog = setTimeout(() => {
      options.log.error(
        { signal, boundMs: options.boundMs },
        'shutdown did not finish within its bound: exiting',
      );
      process.exit(1);
    }, options.boundMs);
    watchdog.unref();
    app.close().then(
      () => {
        options.log.info({ signal, ms: Date.now() - started }, 'shutdown complete');
        process.exit(0);
      },
      (err: unknown) => {
        options.log.error({ signal, err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
}
