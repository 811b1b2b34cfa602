// The IIFE bundle's entry: `window.GlobalWebSocketManager` (and `window.orderwire`).
import { GlobalWebSocketManager } from './global-websocket-manager.js';
import { OrderwireError } from './orderwire-error.js';
import { FINAL_STATUSES, nextStatuses, ORDER_STATUSES } from '@orderwire/contracts/protocol';

const g = globalThis as Record<string, unknown>;
g.GlobalWebSocketManager = GlobalWebSocketManager;
// The status machine comes from libs/contracts too, so that UIs show only legal transitions.
g.orderwire = {
  GlobalWebSocketManager,
  OrderwireError,
  nextStatuses,
  FINAL_STATUSES: [...FINAL_STATUSES],
  ORDER_STATUSES,
};
