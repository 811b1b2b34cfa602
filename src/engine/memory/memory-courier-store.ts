import type { CourierPosition } from '@orderwire/contracts';
import type { CourierStore, HandoffRecord } from '../courier-store.js';

/**
 * Entries that expire like Redis keys (by the wall clock, as Redis does): read past their time
 * they are gone, and a write that doubles the map since its last sweep sweeps the expired out
 * (amortised: never more than one sweep per doubling).
 */
class ExpiringMap<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  private sweepAt = 1024;

  get(k: string): T | undefined {
    const entry = this.entries.get(k);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now()) return entry.value;
    this.entries.delete(k);
    return undefined;
  }

  set(k: string, value: T, ttlMs: number): void {
    const now = Date.now();
    if (this.entries.size >= this.sweepAt) {
      for (const [other, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(other);
      this.sweepAt = Math.max(1024, this.entries.size * 2);
    }
    this.entries.set(k, { value, expiresAt: now + ttlMs });
  }

  delete(k: string): void {
    this.entries.delete(k);
  }
}

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
