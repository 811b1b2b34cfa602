import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { Injectable, type INestApplicationContext, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import type { ClientCommand } from '@orderwire/contracts';
import { bullPrefix, commandSubscribersKey, QUEUE_NAMES } from '@orderwire/contracts';
import {
  Broadcaster,
  OnClientCommand,
  REALTIME_OPTIONS,
  RealtimeHealthIndicator,
  RealtimeModule,
  type RealtimeModuleOptions,
  type RealtimeOptionsFactory,
} from '@orderwire/realtime';
import type { GlobalWebSocketManager } from '@orderwire/client';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { SERVICE_BRIDGE } from '../src/engine/engine.tokens.js';
import type { ServiceBridge } from '../src/engine/service-bridge.js';
import { connect, sampleOrder } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeRedis, startRedis, type TestRedis } from './support/redis.js';

/** What one service (one replica) saw. */
@Injectable()
class Seen {
  readonly places: string[] = [];
  readonly cancels: string[] = [];

  @OnClientCommand('order.place')
  onPlace(command: ClientCommand<'order.place'>): void {
    // Typed from CommandMap: the reply is order.place's, the data its DTO's.
    this.places.push(`${command.reply?.orderNumber}:${command.data.fulfillment}`);
  }

  @OnClientCommand('order.cancel')
  onCancel(command: ClientCommand<'order.cancel'>): void {
    this.cancels.push(command.data.orderId);
  }
}

/** Nest's logger, kept: the library's lines must come through it. */
class Lines implements LoggerService {
  readonly lines: string[] = [];
  log = (m: unknown, ...p: unknown[]) => this.lines.push(`log ${String(m)} ${p.join(' ')}`);
  warn = (m: unknown, ...p: unknown[]) => this.lines.push(`warn ${String(m)} ${p.join(' ')}`);
  error = (m: unknown, ...p: unknown[]) => this.lines.push(`error ${String(m)} ${p.join(' ')}`);
}

async function service(options: RealtimeModuleOptions, logger: LoggerService | false = false) {
  @Module({ imports: [RealtimeModule.forRoot(options), TerminusModule], providers: [Seen] })
  class ServiceModule {}
  const app = await NestFactory.createApplicationContext(ServiceModule, { logger, abortOnError: false });
  await app.init();
  return app;
}

async function until(what: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describeRedis('RealtimeModule against a redis-engine hub', () => {
  let redis: TestRedis;
  let prefix: string;
  let hub: TestHub;
  const apps: INestApplicationContext[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    prefix = redis.prefix();
    hub = await startHub({
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      COMMAND_QUEUE_MAX: '100',
      MAX_ACTIVE_ORDERS_PER_CUSTOMER: '100',
    });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await hub?.close();
    await redis?.stop();
  });

  it('every subscribing service gets every command; the replicas of one service share theirs', async () => {
    const redisOptions = { redis: { url: redis.url }, prefix };
    const billing = [
      await service({ serviceId: 'billing', ...redisOptions }),
      await service({ serviceId: 'billing', ...redisOptions }),
    ];
    const display = await service({ serviceId: 'kitchen-display', ...redisOptions });
    apps.push(...billing, display);
    const bridge = hub.app.get<ServiceBridge>(SERVICE_BRIDGE);
    const client = new Redis(redis.url);
    const fields = () => client.hkeys(commandSubscribersKey(prefix));
    await until(async () => (await fields()).length === 4 && bridge.hasSubscribers('order.cancel'));
    expect((await fields()).sort()).toEqual([
      'order.cancel@billing',
      'order.cancel@kitchen-display',
      'order.place@billing',
      'order.place@kitchen-display',
    ]);

    const customer = await connect(hub, 'customer', 'c-fan');
    const numbers: string[] = [];
    for (let i = 0; i < 6; i++) {
      numbers.push(
        (await customer.ok('order.place', sampleOrder({ fulfillment: 'pickup' }))).orderNumber as string,
      );
    }
    const seenBy = (app: INestApplicationContext) => app.get(Seen).places;
    await until(
      () => seenBy(display).length === 6 && seenBy(billing[0]).length + seenBy(billing[1]).length === 6,
    );
    const expected = numbers.map((n) => `${n}:pickup`);
    expect([...seenBy(display)].sort()).toEqual([...expected].sort());
    // One copy for billing, each taken by one of its replicas: together exactly the six.
    expect([...seenBy(billing[0]), ...seenBy(billing[1])].sort()).toEqual([...expected].sort());
    await new Promise((r) => setTimeout(r, 300));
    expect(seenBy(display)).toHaveLength(6);
    expect(seenBy(billing[0]).length + seenBy(billing[1]).length).toBe(6);
    customer.close();
    client.disconnect();
  }, 30_000);

  it('a service whose queue is at COMMAND_QUEUE_MAX gets its command types refused (LIMIT_REACHED), and one gone past its TTL is not fed', async () => {
    const client = new Redis(redis.url);
    // A service that subscribed and then stopped taking commands: 100 waiting.
    await client.hset(commandSubscribersKey(prefix), 'order.place@stuck', String(Date.now()));
    const stuck = new Queue(QUEUE_NAMES.commands('order.place', 'stuck'), {
      connection: client,
      prefix: bullPrefix(prefix),
    });
    await stuck.addBulk(Array.from({ length: 100 }, (_, i) => ({ name: 'order.place', data: { i } })));
    const bridge = hub.app.get<ServiceBridge>(SERVICE_BRIDGE);
    await until(() => bridge.backlogged('order.place') !== undefined);
    const customer = await connect(hub, 'customer', 'c-stuck');
    const refused = await customer.cmd('order.place', sampleOrder());
    expect(refused.error).toMatchObject({ code: 'LIMIT_REACHED', details: { scope: 'service', limit: 100 } });
    expect(refused.error?.message).not.toContain('stuck'); // no service names to clients
    expect((await customer.cmd('order.cancel', { orderId: 'none' })).error?.code).toBe('NOT_FOUND');

    // Gone: its subscription was last renewed two hours ago (TTL 1 h). Not fed, not in the way.
    await client.hset(commandSubscribersKey(prefix), 'order.place@stuck', String(Date.now() - 7_200_000));
    await until(() => bridge.backlogged('order.place') === undefined);
    expect((await customer.ok('order.place', sampleOrder())).status).toBe('placed');
    expect(await stuck.count()).toBe(100);
    await stuck.obliterate({ force: true });
    await stuck.close();
    customer.close();
    await client.quit();
  }, 30_000);

  it('forRootAsync (useFactory, useClass, useExisting) and isGlobal; a bad serviceId fails at boot', async () => {
    @Injectable()
    class Options implements RealtimeOptionsFactory {
      createRealtimeOptions(): RealtimeModuleOptions {
        return { serviceId: 'from-class', redis: { url: redis.url }, prefix };
      }
    }
    @Module({ providers: [Options], exports: [Options] })
    class OptionsModule {}
    @Injectable()
    class Elsewhere {
      constructor(readonly broadcaster: Broadcaster) {}
    }
    // Elsewhere's module does not import RealtimeModule: isGlobal makes Broadcaster injectable.
    @Module({ providers: [Elsewhere] })
    class FeatureModule {}
    for (const realtime of [
      RealtimeModule.forRootAsync({
        isGlobal: true,
        imports: [OptionsModule],
        inject: [Options],
        useFactory: (o: Options) => ({ ...o.createRealtimeOptions(), serviceId: 'from-factory' }),
      }),
      RealtimeModule.forRootAsync({ isGlobal: true, useClass: Options }),
      RealtimeModule.forRootAsync({ isGlobal: true, imports: [OptionsModule], useExisting: Options }),
    ]) {
      @Module({ imports: [realtime, FeatureModule] })
      class AppModule {}
      const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
      const broadcaster = app.get(Elsewhere).broadcaster;
      const serviceId = (app.get(REALTIME_OPTIONS) as RealtimeModuleOptions).serviceId;
      expect(['from-factory', 'from-class']).toContain(serviceId);
      const { id } = await broadcaster.notification('r-1', { level: 'info', message: `via ${serviceId}` });
      expect(id).toMatch(/^[0-9A-Z]{26}$/);
      await app.close();
    }
    for (const serviceId of ['', 'has space', 'a:b', 'x'.repeat(65)]) {
      await expect(service({ serviceId, redis: { url: redis.url }, prefix })).rejects.toThrow(/serviceId/);
    }
  }, 30_000);

  it('with Redis down: one warning through the app’s logger, health down with the reason, publishes refused in time, no stray output; all back after', async () => {
    const own = await startRedis();
    const logger = new Lines();
    const stray = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const app = await service(
      { serviceId: 'flaky', redis: { url: own.url }, prefix: own.prefix(), publishTimeoutMs: 300 },
      logger,
    );
    try {
      const health = app.get(HealthCheckService);
      const indicator = app.get(RealtimeHealthIndicator);
      const check = () => health.check([() => indicator.isHealthy('orderwire')]);
      await until(async () => (await indicator.isHealthy()).orderwire.status === 'up');
      expect((await check()).details.orderwire).toMatchObject({
        status: 'up',
        transport: 'redis',
        subscriptions: ['order.place', 'order.cancel'],
      });
      expect(
        logger.lines.some((l) => l.startsWith('log') && l.includes('Seen.onPlace handles order.place')),
      ).toBe(true);

      await own.kill();
      await until(async () => (await indicator.isHealthy()).orderwire.status === 'down');
      const down = (await indicator.isHealthy()).orderwire;
      // The first error of the outage, from whichever connection saw it first: refused, reset,
      // a write to the dead socket (EPIPE), timed out or closed (CI runs have seen each of them).
      expect(down.reason).toMatch(/ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection is closed|connect/);
      await expect(check()).rejects.toMatchObject({ response: { status: 'error' } });
      const started = Date.now();
      await expect(
        app.get(Broadcaster).notification('r-1', { level: 'info', message: 'x' }),
      ).rejects.toMatchObject({ code: 'INTERNAL' });
      expect(Date.now() - started).toBeLessThan(2000);
      await new Promise((r) => setTimeout(r, 1500)); // reconnect attempts keep failing meanwhile
      const warnings = logger.lines.filter((l) => l.startsWith('warn'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/the hub cluster's Redis is unreachable .*RealtimeModule/);

      await own.start();
      await until(async () => (await indicator.isHealthy()).orderwire.status === 'up', 15_000);
      await until(() => logger.lines.some((l) => l.includes("the hub cluster's Redis is back")));
      expect(
        await app.get(Broadcaster).notification('r-1', { level: 'info', message: 'back' }),
      ).toMatchObject({
        id: expect.any(String),
      });
      const ours = logger.lines.filter((l) => l.endsWith(' RealtimeModule'));
      expect(ours.filter((l) => l.includes(' at ') || l.startsWith('error'))).toEqual([]);
      expect(stray).not.toHaveBeenCalled();
      expect(unhandled).toEqual([]);
    } finally {
      stray.mockRestore();
      process.off('unhandledRejection', onUnhandled);
      await app.close();
      await own.stop();
    }
  }, 40_000);
});

// Types the compiler holds services to (npm run typecheck fails if these stop being errors).
export class TypedHandlers {
  @OnClientCommand('order.cancel')
  ok(command: ClientCommand<'order.cancel'>): string {
    return command.data.orderId;
  }

  // @ts-expect-error a handler of order.place cannot take an order.cancel
  @OnClientCommand('order.place')
  wrong(command: ClientCommand<'order.cancel'>): string {
    return command.data.reason ?? '';
  }
}

export function typedSend(m: GlobalWebSocketManager): void {
  // @ts-expect-error order.place needs its items and fulfillment
  void m.send('order.place', {});
  // @ts-expect-error no such field on order.cancel
  void m.send('order.cancel', { orderId: 'o-1', price: 1 });
  void m.send('order.cancel', { orderId: 'o-1', reason: 'changed my mind' });
  void m.send('metrics.snapshot');
}
