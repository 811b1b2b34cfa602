import type { DayOrder } from '@orderwire/contracts';

/**
 * The day book (docs/protocol.md section 15): per tenant and business day, the finished orders,
 * one entry per order, at most `max` per day.
 */
export interface DayBookStore {
  /**
   * Writes the order's entry in the day's book, over an earlier one. False when the day holds
   * `max` other orders: then nothing is written and the day is marked incomplete.
   */
  put(tenantId: string, day: string, entry: DayOrder, max: number): Promise<boolean>;
  /** The day's entries (in no particular order), and false when one was refused. */
  read(tenantId: string, day: string): Promise<{ orders: DayOrder[]; complete: boolean }>;
}
