import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { OriginPolicy } from './auth/origin.policy.js';
import type { AppConfig } from './config/app-config.js';
import { SOCKET_ADAPTER, type SocketAdapterFactory } from './engine/engine.tokens.js';
import { HubIoAdapter } from './engine/hub-io.adapter.js';
import { HubModule } from './hub.module.js';

/** Builds a hub app (not yet listening): used by main.ts and by the test support. */
export async function createHub(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create(HubModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
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
