import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { ClientCommand, CommandType } from '@orderwire/contracts';
import { SERVICE_COMMANDS } from '@orderwire/contracts';
import { ON_CLIENT_COMMAND } from './realtime.constants.js';
import { REALTIME_TRANSPORT } from './realtime.tokens.js';
import type { RealtimeTransport } from './realtime.transport.js';

type Handler = { name: string; run: (command: ClientCommand) => Promise<void> };

/**
 * Finds every @OnClientCommand method at boot and subscribes this service to its types: one
 * subscription per type, which runs that type's handlers in turn (a handler that throws fails
 * the command, and the retry runs them all again: at least once).
 */
@Injectable()
export class CommandExplorer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RealtimeModule');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(REALTIME_TRANSPORT) private readonly transport: RealtimeTransport,
  ) {}

  onApplicationBootstrap(): void {
    for (const [type, handlers] of this.handlers()) {
      this.transport.subscribe(type, async (command) => {
        for (const handler of handlers) await handler.run(command);
      });
      this.logger.log(
        `${handlers.map((h) => h.name).join(', ')} handle${handlers.length > 1 ? '' : 's'} ${type}`,
      );
    }
  }

  onApplicationShutdown(): Promise<void> {
    return this.transport.close();
  }

  private handlers(): Map<CommandType, Handler[]> {
    const byType = new Map<CommandType, Handler[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const method = instance[name];
        if (typeof method !== 'function') continue;
        const type = this.reflector.get<CommandType | undefined>(ON_CLIENT_COMMAND, method as () => void);
        if (!type) continue;
        if (!SERVICE_COMMANDS.includes(type)) {
          throw new Error(
            `RealtimeModule: ${wrapper.name}.${name} handles ${type}, which the hub never hands to services (it handles: ${SERVICE_COMMANDS.join(', ')})`,
          );
        }
        const list = byType.get(type) ?? [];
        list.push({
          name: `${wrapper.name}.${name}`,
          run: async (command) => {
            await (method as (c: ClientCommand) => unknown).call(instance, command);
          },
        });
        byType.set(type, list);
      }
    }
    return byType;
  }
}
