import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exitOnSignals } from '@orderwire/realtime';
import { readOrdersServiceConfig } from './orders-service.config.js';
import { OrdersServiceModule } from './orders-service.module.js';

/** The transport's close (2 s) and a margin. */
const SHUTDOWN_BOUND_MS = 5000;

/** `npm run start:orders`: the example service in its own process, talking to the hub over Redis. */
async function bootstrap(): Promise<void> {
  const config = readOrdersServiceConfig();
  if (!config.redisUrl) {
    throw new Error('REDIS_URL is required: the orders service reaches the hub cluster through its Redis');
  }
  const app = await NestFactory.createApplicationContext(OrdersServiceModule.forRoot(config));
  const logger = new Logger('orders-service');
  // Bounded even with Redis gone: the transport force-closes its connections after 2 s.
  exitOnSignals(app, {
    boundMs: SHUTDOWN_BOUND_MS,
    log: {
      info: (obj, msg) => logger.log(`${msg} ${JSON.stringify(obj)}`),
      error: (obj, msg) => logger.error(`${msg} ${JSON.stringify(obj)}`),
    },
  });
  logger.log(
    `listening for client commands (tenants ${config.tenants.join(',')}, auto-advance ${config.autoAdvance})`,
  );
}

bootstrap().catch((err: unknown) => {
  process.stderr.write(`orders-service: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
