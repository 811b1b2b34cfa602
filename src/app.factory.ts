import 'reflect-metadata';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { OriginPolicy } from './auth/origin.policy.js';
import type { AppConfig } from './config/app-config.js';
import { SOCKET_ADAPTER, type SocketAdapterFactory } from './engine/engine.tokens.js';
import { HubIoAdapter } from './engine/hub-io.adapter.js';
import { HubModule } from './hub.module.js';
import { ApiExceptionFilter } from './publish/api-exception.filter.js';

/** Builds a hub app (not yet listening): used by main.ts and by the test support. */
export interface HubOptions {
  /** Modules to run inside the hub process, such as a service using RealtimeModule in-process. */
  imports?: ModuleImports;
}
type ModuleImports = NonNullable<DynamicModule['imports']>;

export async function createHub(config: AppConfig, options: HubOptions = {}): Promise<INestApplication> {
  const root: DynamicModule = {
    module: class OrderwireApp {},
    imports: [HubModule.forRoot(config), ...(options.imports ?? [])],
  };
  const app = await NestFactory.create<NestExpressApplication>(root, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: config.limits.messageBytes });
  app.useGlobalFilters(new ApiExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
  const origins = app.get(OriginPolicy);
  app.enableCors({ origin: origins.corsOrigin(), credentials: true });
  app.useWebSocketAdapter(
    new HubIoAdapter(app, config, origins, app.get<SocketAdapterFactory>(SOCKET_ADAPTER)),
  );
  if (config.http.trustProxy) {
    (app.getHttpAdapter().getInstance() as { set(k: string, v: unknown): void }).set('trust proxy', true);
  }
  return app;
}
