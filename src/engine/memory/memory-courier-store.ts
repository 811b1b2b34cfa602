import type { CourierPosition } from '@orderwire/contracts';
import type { CourierStore, HandoffRecord } from '../courier-store.js';
import { ExpiringMap } from './expiring-map.js';

const key = (tenantId: string, orderId: string): string => `${tenantId}\u0000${orderId}`;

/** Positions and hand-over codes in one process. */
export class MemoryCourierStore implements CourierStore {
  private readonly positionsByKey = new ExpiringMap<CourierPosition>();
  private readonly codesByKey = new ExpiringMap<HandoffRecord>();

  setPosition(tenantId: string, orderId: string, position: CourierPosition, ttlMs: number): Promise<void> {
    this.positionsByKey.set(key(tenantId, orderId), { ...position }, ttlMs);
    return Promise.resolve();
  }

  positions(tenantId: string, orderIds: readonly string[]): Promise<Map<string, CourierPosition>> {
    return Promise.resolve(read(this.positionsByKey, tenantId, orderIds, (p) => ({ ...p })));
  }

  createCode(tenantId: string, orderId: string, code: string, ttlMs: number): Promise<string> {
    const k = key(tenantId, orderId);
    const kept = this.codesByKey.get(k);
    if (kept) return Promise.resolve(kept.code);
    this.codesByKey.set(k, { code, failures: 0 }, ttlMs);
    return Promise.resolve(code);
  }

  codes(tenantId: string, orderIds: readonly string[]): Promise<Map<string, HandoffRecord>> {
    return Promise.resolve(read(this.codesByKey, tenantId, orderIds, (r) => ({ ...r })));
  }

  failCode(tenantId: string, orderId: string): Promise<number> {
    const kept = this.codesByKey.get(key(tenantId, orderId));
    if (!kept) return Promise.resolve(0);
    kept.failures += 1;
    return Promise.resolve(kept.failures);
  }

  forget(tenantId: string, orderId: string): Promise<void> {
    const k = key(tenantId, orderId);
    this.codesByKey.delete(k);
    this.positionsByKey.delete(k);
    return Promise.resolve();
  }
}

function read<T>(
  map: ExpiringMap<T>,
  tenantId: string,
  orderIds: readonly string[],
  copy: (value: T) => T,
): Map<string, T> {
  const out = new Map<string, T>();
  for (const orderId of orderIds) {
    const value = map.get(key(tenantId, orderId));
    if (value) out.set(orderId, copy(value));
  }
  return out;
}
