import { SetMetadata } from '@nestjs/common';
import type { CommandType } from '@orderwire/contracts';
import { ON_CLIENT_COMMAND } from './realtime.constants.js';

/**
 * Marks a provider method as the handler of an accepted client command. It gets a
 * `ClientCommand` (the data, the user's claims, the requestId); delivery is at least once, so
 * make it idempotent (`commandId` is unique per command). Throw to have it retried.
 *
 * @example
 *   @OnClientCommand('order.place')
 *   async persist(cmd: ClientCommand<'order.place'>) { ... }
 */
export const OnClientCommand = (type: CommandType): MethodDecorator => SetMetadata(ON_CLIENT_COMMAND, type);
