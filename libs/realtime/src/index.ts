export { Broadcaster, type PublishOptions } from './broadcaster.js';
export { OnClientCommand } from './on-client-command.decorator.js';
export { RealtimeModule } from './realtime.module.js';
export { RealtimeError } from './realtime.error.js';
export {
  IN_PROCESS_HUB,
  type InProcessHub,
  type RealtimeModuleOptions,
  type RealtimeModuleAsyncOptions,
} from './realtime.constants.js';
export type { ClientCommand, PublishRequest, PublishTarget } from '@orderwire/contracts';
export { enqueuePublish } from './queue.transport.js';
export { closeWithin, type Closable } from './bounded-close.js';
export { exitOnSignals, type ShutdownSignalOptions } from './shutdown-signals.js';
