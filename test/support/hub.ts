import type { INestApplication } from '@nestjs/common';
import { createHub, type HubOptions } from '../../src/app.factory.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { TEST_SECRET } from './tokens.js';

export interface TestHub {
  app: INestApplication;
  config: AppConfig;
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A hub on 127.0.0.1 and a free port (listen(0)), or on `env.PORT` (a hub that comes back on the
 * address its clients know), with test settings over the defaults.
 */
export async function startHub(env: Record<string, string> = {}, options: HubOptions = {}): Promise<TestHub> {
  const config = loadConfig({
    NODE_ENV: 'test',
    // A hub that verifies with an identity provider's key set takes no secret.
    ...(env.JWT_JWKS_URL ? {} : { JWT_SECRET: TEST_SECRET }),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOG_FORMAT: 'json',
    HOST: '127.0.0.1',
    PORT: '0',
    // The transport and delivery suites run again with TRANSPORT_PATCHES=off (.ci/run).
    ...(process.env.TRANSPORT_PATCHES ? { TRANSPORT_PATCHES: process.env.TRANSPORT_PATCHES } : {}),
    ...env,
  });
  const app = await createHub(config, options);
  await app.listen(config.http.port, '127.0.0.1'); // 0 (a free port) unless env.PORT names one
  const port = (app.getHttpServer().address() as { port: number }).port;
  return {
    app,
    config,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => app.close(),
  };
}
