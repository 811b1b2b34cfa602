export { GlobalWebSocketManager } from './global-websocket-manager.js';
export type {
  ConnectionStatus,
  GlobalWebSocketManagerOptions,
  OfflineInfo,
  OfflineReason,
  RecoveryInfo,
} from './manager-options.js';
export { OrderwireError, type ClientErrorCode } from './orderwire-error.js';
export { MemoryStorage, type KeyValueStorage } from './storage.js';
export { followStoreStatus, takesOrdersNow } from './store-status.js';
export { followCouriers, type LivePosition } from './couriers.js';
export { followEtas, type LiveEta } from './etas.js';
export type { Envelope, ServerEventMap, ServerEventType, CommandType } from '@orderwire/contracts/protocol';
