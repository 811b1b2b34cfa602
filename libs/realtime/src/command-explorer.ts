import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { ClientCommand, CommandType } from '@orderwire/contracts';
import { ON_CLIENT_COMMAND } from './realtime.constants.js';
import { REALTIME_TRANSPORT } from './realtime.tokens.js';
import type { RealtimeTransport } from './realtime.transport.js';

/** Finds every @OnClientCommand method at boot and subscribes it. */
@Injectable()
export class CommandExplorer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RealtimeModule');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(REALTIME_TRANSPORT) private readonly transport: RealtimeTransport,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const method = instance[name];
        if (typeof method !== 'function') continue;
        const type = this.reflector.get<CommandType | undefined>(ON_CLIENT_COMMAND, method as () => void);
        if (!type) continue;
        await this.transport.subscribe(type, (command: ClientCommand) =>
          Promise.resolve((method as (c: ClientCommand) => unknown).call(instance, command)).then(
            () => undefined,
          ),
        );
        this.logger.log(`${wrapper.name}.${name} handles ${type}`);
      }
    }
  }

  onApplicationShutdown(): Promise<void> {
    return this.transport.close();
  }
}
