export {
  GlobalWebSocketManager,
  type ConnectionStatus,
  type GlobalWebSocketManagerOptions,
  type OfflineInfo,
  type OfflineReason,
  type RecoveryInfo,
} from './global-websocket-manager.js';
export { OrderwireError, type ClientErrorCode } from './orderwire-error.js';
export { MemoryStorage, type KeyValueStorage } from './storage.js';
export type { Envelope, ServerEventMap, ServerEventType, CommandType } from '@orderwire/contracts/protocol';
