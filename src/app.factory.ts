import 'reflect-metadata';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { readFileSync } from 'node:fs';
import { OriginPolicy } from './auth/origin.policy.js';
import type { AppConfig } from './config/app-config.js';
import { SOCKET_ADAPTER, type SocketAdapterFactory } from './engine/engine.tokens.js';
import { linkOf } from './transport/socket-link.js';
import { SlowConsumerService } from './delivery/slow-consumer.service.js';
import { HubIoAdapter } from './transport/hub-io.adapter.js';
import { TransportPatches } from './transport/patches.js';
import { CommandLane } from './commands/command-lane.js';
import { HubModule } from './hub.module.js';
import { ApiExceptionFilter } from './publish/api-exception.filter.js';
import { NestLogger } from './util/nest-logger.js';
import { OPENAPI_PATH, setupAsyncApi, setupOpenApi } from './publish/openapi.js';
import { httpsServerOptions } from './config/tls-policy.js';
import { checkKeyring } from './engine/redis/keyring-canary.js';
import { RedisKeys } from './engine/redis/redis-keys.js';

/** Builds a hub app (not yet listening): used by main.ts and by the test support. */
export interface HubOptions {
  /** Modules to run inside the hub process, such as a service using RealtimeModule in-process. */
  imports?: ModuleImports;
  /**
   * How command handlers are called: on the command lane (the default: the same guards,
   * interceptors, pipe and filter, without Nest's per-call wrapping), or on Nest's own path
   * (test/command-paths.e2e-spec.ts compares the two).
   */
  commandPath?: 'lane' | 'nest';
}
type ModuleImports = NonNullable<DynamicModule['imports']>;

/**
 * helmet's headers on every HTTP answer (Socket.IO's own requests are answered by engine.io before
 * Express): no X-Powered-By, nosniff, no framing, a strict CSP for /console (its scripts, styles
 * and connections come from the hub itself), HSTS only when the hub itself serves TLS. Resources
 * may be loaded cross-origin: /sdk/orderwire.js is meant for other sites' script tags.
 */
/** The hub's version (package.json, beside dist/ in the repository and in the image). */
const HUB_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The hub's Content-Security-Policy: everything from itself, nothing inline, no framing. */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

function securityHeaders(tls: boolean, consoleTokenUrl?: string): ReturnType<typeof helmet> {
  // The console views may fetch their token from the platform (CONSOLE_TOKEN_URL): that origin too.
  const tokenOrigin = consoleTokenUrl?.startsWith('https://') ? new URL(consoleTokenUrl).origin : undefined;
  const directives = tokenOrigin
    ? { ...CSP_DIRECTIVES, connectSrc: [...CSP_DIRECTIVES.connectSrc, tokenOrigin] }
    : CSP_DIRECTIVES;
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    strictTransportSecurity: tls ? { maxAge: 31_536_000 } : false,
  });
}

export async function createHub(config: AppConfig, options: HubOptions = {}): Promise<INestApplication> {
  // Before anything is built: a keyring that cannot open what Redis keeps refuses the boot.
  if (config.engine.kind === 'redis') await checkKeyring(config, new RedisKeys(config.engine.prefix));
  const root: DynamicModule = {
    module: class OrderwireApp {},
    imports: [HubModule.forRoot(config), ...(options.imports ?? [])],
  };
  const { tls } = config.http;
  const app = await NestFactory.create<NestExpressApplication>(root, {
    // A failure at boot (a keyring that cannot open what Redis keeps, Redis unreachable) is thrown
    // to the caller, which says it in one line (main.ts), instead of Nest's process.abort().
    abortOnError: false,
    bufferLogs: true,
    bodyParser: false,
    rawBody: true,
    ...(tls ? { httpsOptions: httpsServerOptions(tls) } : {}),
  });
  app.useLogger(app.get(NestLogger));
  app.use(securityHeaders(!!tls, config.consoleTokenUrl));
  // As large as a menu (the only body that may be), with the raw bytes kept (`rawBody`): the
  // publish route holds everything but a menu to MESSAGE_MAX_BYTES (PublishController.checkSize).
  app.useBodyParser('json', { limit: Math.max(config.limits.messageBytes, config.menu.maxBytes) });
  app.useGlobalFilters(new ApiExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
  const origins = app.get(OriginPolicy);
  app.enableCors(origins.cors());
  app.useWebSocketAdapter(
    new HubIoAdapter(
      app,
      config,
      origins,
      app.get<SocketAdapterFactory>(SOCKET_ADAPTER),
      (socket, bytes) => app.get(SlowConsumerService).shed(linkOf(socket), bytes),
      options.commandPath === 'nest' ? undefined : app.get(CommandLane),
      app.get(TransportPatches),
    ),
  );
  if (config.http.apiDocs) {
    // Swagger UI sets inline styles: allowed on its pages only (its scripts stay 'self').
    const styles = { ...CSP_DIRECTIVES, styleSrc: ["'self'", "'unsafe-inline'"] };
    app.use(`/${OPENAPI_PATH}`, helmet.contentSecurityPolicy({ useDefaults: false, directives: styles }));
    setupAsyncApi(app);
    setupOpenApi(app, HUB_VERSION);
  }
  if (config.http.trustProxy) {
    (app.getHttpAdapter().getInstance() as { set(k: string, v: unknown): void }).set('trust proxy', true);
  }
  return app;
}
