import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { LocalClusterBus } from './cluster-bus.js';
import {
  CLUSTER_BUS,
  ENGINE_HEALTH,
  type EngineHealth,
  IDEMPOTENCY_STORE,
  JOB_SCHEDULER,
  AUDIT_STORE,
  MENU_STORE,
  STORE_STATUS_STORE,
  COURIER_STORE,
  ORDER_WATCH,
  PREP_SAMPLES,
  DAY_BOOK,
  SCHEDULED_ORDERS,
  MESSAGE_STORE,
  ORDER_STORE,
  SERVICE_BRIDGE,
  WEBHOOK_QUEUE,
  SESSION_REGISTRY,
  SOCKET_ADAPTER,
} from './engine.tokens.js';
import { messageBounds } from './message-store.js';
import { MemoryIdempotencyStore } from './memory/memory-idempotency-store.js';
import { MemoryAuditStore } from './memory/memory-audit-store.js';
import { MemoryJobScheduler } from './memory/memory-job-scheduler.js';
import { MemoryMenuStore } from './memory/memory-menu-store.js';
import { MemoryStoreStatusStore } from './memory/memory-store-status-store.js';
import { MemoryCourierStore } from './memory/memory-courier-store.js';
import { MemoryOrderWatch } from './memory/memory-order-watch.js';
import { MemoryPrepSamples } from './memory/memory-prep-samples.js';
import { MemoryDayBook } from './memory/memory-day-book.js';
import { MemoryScheduledOrderIndex } from './memory/memory-scheduled-order-index.js';
import { MemoryMessageStore } from './memory/memory-message-store.js';
import { MemoryOrderStore } from './memory/memory-order-store.js';
import { MemoryServiceBridge } from './memory/memory-service-bridge.js';
import { MemoryWebhookQueue } from './memory/memory-webhook-queue.js';
import { webhookPolicy } from './webhook-queue.js';
import { MemorySessionRegistry } from './memory/memory-session-registry.js';
import { RedisEngine } from './redis/redis-engine.js';

const ENGINE_CLOSE = Symbol('ENGINE_CLOSE');
const REDIS_ENGINE = Symbol('REDIS_ENGINE');

/** Closes the engine's connections last, after the sockets and the drain. */
@Injectable()
class EngineLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ENGINE_CLOSE) private readonly close: () => Promise<void>) {}

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}

function memoryProviders(config: AppConfig): Provider[] {
  const health: EngineHealth = { down: () => Promise.resolve([]), connected: () => true };
  const jobs = new MemoryJobScheduler();
  const bridge = new MemoryServiceBridge();
  const webhooks = new MemoryWebhookQueue(webhookPolicy(config));
  const messages = new MemoryMessageStore(messageBounds(config));
  return [
    { provide: MESSAGE_STORE, useValue: messages },
    { provide: ORDER_STORE, useFactory: () => new MemoryOrderStore(config.orders, messages) },
    { provide: MENU_STORE, useFactory: () => new MemoryMenuStore(config.menu) },
    { provide: STORE_STATUS_STORE, useFactory: () => new MemoryStoreStatusStore(config.menu) },
    { provide: SCHEDULED_ORDERS, useFactory: () => new MemoryScheduledOrderIndex() },
    { provide: COURIER_STORE, useFactory: () => new MemoryCourierStore() },
    { provide: ORDER_WATCH, useFactory: () => new MemoryOrderWatch() },
    { provide: PREP_SAMPLES, useFactory: () => new MemoryPrepSamples() },
    { provide: DAY_BOOK, useFactory: () => new MemoryDayBook() },
    { provide: AUDIT_STORE, useFactory: () => new MemoryAuditStore(config.audit) },
    {
      provide: IDEMPOTENCY_STORE,
      useFactory: () => new MemoryIdempotencyStore(config.limits.idempotency),
    },
    { provide: SESSION_REGISTRY, useFactory: () => new MemorySessionRegistry() },
    { provide: JOB_SCHEDULER, useValue: jobs },
    { provide: ENGINE_HEALTH, useValue: health },
    { provide: SOCKET_ADAPTER, useValue: undefined },
    { provide: CLUSTER_BUS, useValue: new LocalClusterBus() },
    { provide: SERVICE_BRIDGE, useValue: bridge },
    { provide: WEBHOOK_QUEUE, useValue: webhooks },
    {
      provide: ENGINE_CLOSE,
      useValue: async () => (await bridge.close(), await webhooks.close(), await jobs.close()),
    },
  ];
}

function redisProviders(config: AppConfig): Provider[] {
  const from = (token: symbol, pick: (e: RedisEngine) => unknown): Provider => ({
    provide: token,
    useFactory: pick,
    inject: [REDIS_ENGINE],
  });
  return [
    {
      provide: REDIS_ENGINE,
      useFactory: async () => {
        const engine = new RedisEngine(config);
        await engine.start();
        return engine;
      },
    },
    from(MESSAGE_STORE, (e) => e.messages),
    from(ORDER_STORE, (e) => e.orders),
    from(MENU_STORE, (e) => e.menus),
    from(STORE_STATUS_STORE, (e) => e.storeStatuses),
    from(SCHEDULED_ORDERS, (e) => e.scheduled),
    from(COURIER_STORE, (e) => e.couriers),
    from(ORDER_WATCH, (e) => e.watch),
    from(PREP_SAMPLES, (e) => e.prepSamples),
    from(DAY_BOOK, (e) => e.dayBook),
    from(AUDIT_STORE, (e) => e.audit),
    from(IDEMPOTENCY_STORE, (e) => e.idempotency),
    from(SESSION_REGISTRY, (e) => e.sessions),
    from(JOB_SCHEDULER, (e) => e.jobs),
    from(ENGINE_HEALTH, (e) => e.health),
    from(SOCKET_ADAPTER, (e) => e.adapter),
    from(CLUSTER_BUS, (e) => e.bus),
    from(SERVICE_BRIDGE, (e) => e.bridge),
    from(WEBHOOK_QUEUE, (e) => e.webhooks),
    from(ENGINE_CLOSE, (e) => () => e.close(config.shutdown.closeMs)),
  ];
}

/**
 * Chooses the engine once, at boot: storage, scheduling, the cluster bus and the Socket.IO
 * adapter. Nothing else in the hub checks which engine is running.
 */
@Global()
@Module({})
export class EngineModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers = config.engine.kind === 'redis' ? redisProviders(config) : memoryProviders(config);
    return {
      module: EngineModule,
      providers: [...providers, EngineLifecycle],
      exports: [
        MESSAGE_STORE,
        ORDER_STORE,
        MENU_STORE,
        STORE_STATUS_STORE,
        SCHEDULED_ORDERS,
        COURIER_STORE,
        ORDER_WATCH,
        PREP_SAMPLES,
        DAY_BOOK,
        AUDIT_STORE,
        IDEMPOTENCY_STORE,
        SESSION_REGISTRY,
        JOB_SCHEDULER,
        ENGINE_HEALTH,
        SOCKET_ADAPTER,
        CLUSTER_BUS,
        SERVICE_BRIDGE,
        WEBHOOK_QUEUE,
      ],
    };
  }
}
