import { SetMetadata } from '@nestjs/common';
import type { ClientCommand, CommandType } from '@orderwire/contracts';
import { ON_CLIENT_COMMAND } from './realtime.constants.js';

/**
 * Marks a provider method as a handler of an accepted client command. It gets a
 * `ClientCommand<C>` (the data as the command's DTO, the hub's reply, the user's claims, the
 * requestId), and the compiler holds the method to that. Every service whose module subscribed
 * gets every command; one replica of each handles it. Delivery is at least once, so make it
 * idempotent (`commandId` is unique per command); throw to have it retried (8 attempts, backoff
 * from 500 ms).
 *
 * @example
 *   @OnClientCommand('order.place')
 *   async persist(cmd: ClientCommand<'order.place'>) { ... }
 */
export function OnClientCommand<C extends CommandType>(type: C) {
  return <H extends (command: ClientCommand<C>) => unknown>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<H>,
  ): void => {
    SetMetadata(ON_CLIENT_COMMAND, type)(target, key, descriptor);
  };
}
