import type { StoreStatusData } from '@orderwire/contracts/protocol';
import { STORE_CLOSED_STATUSES } from '@orderwire/contracts/protocol';
import type { GlobalWebSocketManager } from './global-websocket-manager.js';

/**
 * Follows the restaurant's `store.status` (docs/protocol.md section 13) through a manager: the
 * status each connect brings, then every change with a higher version (an older one that arrives
 * late is dropped). Returns the function that stops following.
 */
export function followStoreStatus(
  m: Pick<GlobalWebSocketManager, 'on'>,
  listener: (status: StoreStatusData) => void,
): () => void {
  let current: StoreStatusData | undefined;
  let fresh = true;
  const offs = [
    m.on('system.welcome', () => void (fresh = true)),
    m.on('store.status', ({ data }) => {
      if (!fresh && current && data.version < current.version) return;
      fresh = false;
      listener((current = data));
    }),
  ];
  return () => offs.forEach((off) => off());
}

/** Whether the store takes orders for now (`open` or `busy`); orders for later it takes either way. */
export function takesOrdersNow(status: StoreStatusData): boolean {
  return !STORE_CLOSED_STATUSES.has(status.status);
}
