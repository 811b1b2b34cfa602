import type { CourierPosition } from '@orderwire/contracts';

/** An order's hand-over code and the wrong tries it has taken (docs/protocol.md section 14). */
export interface HandoffRecord {
  code: string;
  failures: number;
}

/**
 * What the delivery of an order knows beside the order itself (docs/protocol.md section 14): the
 * courier's last position, and the hand-over code. Kept off the order record so that no copy of
 * the order (its `order.created`, the crew's board, a service's hand-off) can carry them. Every
 * entry has a time to live; the code also goes when the order becomes final.
 */
export interface CourierStore {
  /** Keeps `position` as the order's last one, for `ttlMs`. */
  setPosition(tenantId: string, orderId: string, position: CourierPosition, ttlMs: number): Promise<void>;
  /** The positions kept of these orders (those with none, or expired, are absent). */
  positions(tenantId: string, orderIds: readonly string[]): Promise<Map<string, CourierPosition>>;
  /** Keeps `code` for the order, for `ttlMs`, unless it has one already: the code kept. */
  createCode(tenantId: string, orderId: string, code: string, ttlMs: number): Promise<string>;
  /** The codes kept of these orders, with their failures. */
  codes(tenantId: string, orderIds: readonly string[]): Promise<Map<string, HandoffRecord>>;
  /** Counts a wrong try: the failures now (0 when the order has no code kept). */
  failCode(tenantId: string, orderId: string): Promise<number>;
  /** Drops the order's code and position (it became final). */
  forget(tenantId: string, orderId: string): Promise<void>;
}
