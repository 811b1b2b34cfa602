import { Logger, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { SERVICE_ID_PATTERN } from '@orderwire/contracts';
import { Broadcaster } from './broadcaster.js';
import { CommandExplorer } from './command-explorer.js';
import { InProcessTransport } from './in-process.transport.js';
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_PUBLISH_TIMEOUT_MS,
  QueueTransport,
} from './queue.transport.js';
import { IN_PROCESS_HUB, type InProcessHub, type RealtimeModuleOptions } from './realtime.constants.js';
import { RealtimeHealthIndicator } from './realtime.health.js';
import { ConfigurableRealtimeModule, REALTIME_OPTIONS } from './realtime.module-definition.js';
import { REALTIME_TRANSPORT } from './realtime.tokens.js';
import { parseKeyring, Sealer } from './sealer.js';
import type { RealtimeTransport } from './realtime.transport.js';

function transportFor(options: RealtimeModuleOptions, hub: InProcessHub | undefined): RealtimeTransport {
  if (typeof options.serviceId !== 'string' || !SERVICE_ID_PATTERN.test(options.serviceId)) {
    throw new Error(
      `RealtimeModule: serviceId ${JSON.stringify(options.serviceId)} must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  if (options.redis) {
    return new QueueTransport(
      {
        redis: options.redis,
        prefix: options.prefix ?? 'orderwire',
        serviceId: options.serviceId,
        publishTimeoutMs: options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS,
        concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
        closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
        ...(options.dataEncryptionKey ? { sealer: new Sealer(parseKeyring(options.dataEncryptionKey)) } : {}),
      },
      new Logger('RealtimeModule'),
    );
  }
  if (hub) return new InProcessTransport(hub, options.serviceId);
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
 * to handle accepted client commands, `RealtimeHealthIndicator` for its health check. Its logs go
 * through Nest's Logger (so through the app's logger), under the context `RealtimeModule`.
 *
 * @example
 *   RealtimeModule.forRoot({ serviceId: 'orders', redis: { url: process.env.REDIS_URL }, isGlobal: true })
 *   RealtimeModule.forRootAsync({
 *     imports: [ConfigModule],
 *     inject: [ConfigService],
 *     useFactory: (config: ConfigService) => ({ serviceId: 'orders', redis: { url: config.get('REDIS_URL') } }),
 *   })
 */
@Module({
  imports: [DiscoveryModule],
  providers: [transportProvider, Broadcaster, CommandExplorer, RealtimeHealthIndicator],
  exports: [Broadcaster, RealtimeHealthIndicator],
})
export class RealtimeModule extends ConfigurableRealtimeModule {}
