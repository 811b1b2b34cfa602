import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Broadcaster } from './broadcaster.js';
import { CommandExplorer } from './command-explorer.js';
import { InProcessTransport } from './in-process.transport.js';
import { QueueTransport } from './queue.transport.js';
import {
  IN_PROCESS_HUB,
  type InProcessHub,
  REALTIME_OPTIONS,
  type RealtimeModuleAsyncOptions,
  type RealtimeModuleOptions,
} from './realtime.constants.js';
import { REALTIME_TRANSPORT } from './realtime.tokens.js';
import type { RealtimeTransport } from './realtime.transport.js';

function transportFor(options: RealtimeModuleOptions, hub: InProcessHub | undefined): RealtimeTransport {
  if (options.redis)
    return new QueueTransport(options.redis, options.prefix ?? 'orderwire', options.closeTimeoutMs);
  if (hub) return new InProcessTransport(hub);
  throw new Error(
    'RealtimeModule: no `redis` given and no orderwire hub in this process; pass the hub cluster’s Redis',
  );
}

const transportProvider: Provider = {
  provide: REALTIME_TRANSPORT,
  useFactory: (options: RealtimeModuleOptions, hub?: InProcessHub) => transportFor(options, hub),
  inject: [REALTIME_OPTIONS, { token: IN_PROCESS_HUB, optional: true }],
};

/**
 * What a Nest service imports to talk to the hub: `Broadcaster` to publish, `@OnClientCommand`
 * to handle accepted client commands.
 *
 * @example
 *   RealtimeModule.forRoot({ serviceId: 'orders', redis: { url: process.env.REDIS_URL }, tenants: ['r-1'] })
 */
@Module({})
export class RealtimeModule {
  static forRoot(options: RealtimeModuleOptions): DynamicModule {
    return {
      module: RealtimeModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: REALTIME_OPTIONS, useValue: options },
        transportProvider,
        Broadcaster,
        CommandExplorer,
      ],
      exports: [Broadcaster],
    };
  }

  static forRootAsync(options: RealtimeModuleAsyncOptions): DynamicModule {
    return {
      module: RealtimeModule,
      imports: [DiscoveryModule, ...((options.imports ?? []) as never[])],
      providers: [
        {
          provide: REALTIME_OPTIONS,
          useFactory: options.useFactory,
          inject: (options.inject ?? []) as never[],
        },
        transportProvider,
        Broadcaster,
        CommandExplorer,
      ],
      exports: [Broadcaster],
    };
  }
}
