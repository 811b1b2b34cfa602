import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { readOrdersServiceConfig } from './orders-service.config.js';
import { OrdersServiceModule } from './orders-service.module.js';

/** `npm run start:orders`: the example service in its own process, talking to the hub over Redis. */
async function bootstrap(): Promise<void> {
  const config = readOrdersServiceConfig();
  if (!config.redisUrl) {
    throw new Error('REDIS_URL is required: the orders service reaches the hub cluster through its Redis');
  }
  const app = await NestFactory.createApplicationContext(OrdersServiceModule.forRoot(config));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  new Logger('orders-service').log(
    `listening for client commands (tenants ${config.tenants.join(',')}, auto-advance ${config.autoAdvance})`,
  );
}

bootstrap().catch((err: unknown) => {
  process.stderr.write(`orders-service: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
