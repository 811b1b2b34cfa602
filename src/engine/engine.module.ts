import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import {
  ENGINE_HEALTH,
  type EngineHealth,
  IDEMPOTENCY_STORE,
  JOB_SCHEDULER,
  MESSAGE_STORE,
  ORDER_STORE,
  SESSION_REGISTRY,
  SOCKET_ADAPTER,
} from './engine.tokens.js';
import { MemoryIdempotencyStore } from './memory/memory-idempotency-store.js';
import { MemoryJobScheduler } from './memory/memory-job-scheduler.js';
import { MemoryMessageStore } from './memory/memory-message-store.js';
import { MemoryOrderStore } from './memory/memory-order-store.js';
import { MemorySessionRegistry } from './memory/memory-session-registry.js';

function memoryProviders(config: AppConfig): Provider[] {
  const health: EngineHealth = { down: () => Promise.resolve([]) };
  return [
    {
      provide: MESSAGE_STORE,
      useFactory: () =>
        new MemoryMessageStore({
          ttlMs: config.delivery.messageTtlMs,
          retentionMax: config.delivery.retentionMax,
        }),
    },
    { provide: ORDER_STORE, useFactory: () => new MemoryOrderStore() },
    { provide: IDEMPOTENCY_STORE, useFactory: () => new MemoryIdempotencyStore() },
    { provide: SESSION_REGISTRY, useFactory: () => new MemorySessionRegistry() },
    { provide: JOB_SCHEDULER, useFactory: () => new MemoryJobScheduler() },
    { provide: ENGINE_HEALTH, useValue: health },
    { provide: SOCKET_ADAPTER, useValue: undefined },
  ];
}

/**
 * Chooses the engine once, at boot: storage, scheduling and (in engine/hub-io.adapter.ts) the
 * Socket.IO adapter. Nothing else in the hub checks which engine is running.
 */
@Global()
@Module({})
export class EngineModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (config.engine.kind === 'redis') {
      throw new Error(
        'REDIS_URL is set, but this build has only the memory engine; unset REDIS_URL to run one node in memory',
      );
    }
    const providers = memoryProviders(config);
    return {
      module: EngineModule,
      providers,
      exports: providers.map((p) => (p as { provide: symbol }).provide),
    };
  }
}
