import 'reflect-metadata';
import { createServer } from 'node:http';
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
  // Probes (HEALTH_PORT): live while the process answers; ready once started, until it stops.
  let ready = true;
  if (config.healthPort !== undefined) {
    const health = createServer((req, res) => {
      const ok = req.url === '/health/live' || (req.url === '/health/ready' && ready);
      const known = req.url === '/health/live' || req.url === '/health/ready';
      res.writeHead(ok ? 200 : known ? 503 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ok ? 'ok' : known ? 'stopping' : 'not found' }));
    });
    health.listen(config.healthPort);
    process.once('SIGTERM', () => (ready = false));
    process.once('SIGINT', () => (ready = false));
    logger.log(`health on :${config.healthPort} (/health/live, /health/ready)`);
  }
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
