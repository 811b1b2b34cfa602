export { Broadcaster, type PublishOptions } from './broadcaster.js';
export { OnClientCommand } from './on-client-command.decorator.js';
export { RealtimeModule } from './realtime.module.js';
export {
  REALTIME_OPTIONS,
  type RealtimeModuleAsyncOptions,
  type RealtimeModuleForRoot,
} from './realtime.module-definition.js';
export { RealtimeHealthIndicator, type RealtimeHealthResult } from './realtime.health.js';
export { RealtimeError } from './realtime.error.js';
export { IN_PROCESS_HUB, type InProcessHub, type RealtimeModuleOptions } from './realtime.constants.js';
export type { RealtimeOptionsFactory } from './realtime.options-factory.js';
export type {
  ClientCommand,
  CommandData,
  CommandReply,
  CommandType,
  PublishRequest,
  PublishTarget,
} from '@orderwire/contracts';
export { enqueuePublish } from './queue.transport.js';
export { closeWithin, type Closable } from './bounded-close.js';
export { exitOnSignals, type ShutdownSignalOptions } from './shutdown-signals.js';
export {
  CLUSTER_SCHEMES,
  clusterOptions,
  createRedis,
  createRedisClient,
  isClusterClient,
  isClusterUrl,
  isSentinelUrl,
  MAX_CLUSTER_SEEDS,
  MAX_SENTINELS,
  RedisUrlError,
  SENTINEL_SCHEMES,
  sentinelOptions,
} from './redis-url.js';
export { parseKeyring, Sealer } from './sealer.js';
export { openedJob, type SealedJob, sealedJob } from './sealed-job.js';
