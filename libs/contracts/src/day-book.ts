import type { Fulfillment, Order, OrderStatus, PaymentStatus } from './order.js';

/**
 * The day book (docs/protocol.md section 15): the finished orders of a tenant's business day, for
 * managers. Class-free, so the console builds its rows from open orders the same way.
 */

/** Business days a day book is kept, today's included. */
export const DAY_BOOK_DAYS = 35;

/** A finished order as the day book keeps it: no customer, address, notes or hand-over code. */
export interface DayOrder {
  orderId: string;
  orderNumber?: string;
  fulfillment: Fulfillment;
  table?: string;
  status: OrderStatus;
  total: number;
  currency: string;
  payment?: PaymentStatus;
  items: Array<{ name: string; quantity: number; unitPrice: number }>;
  courierId?: string;
  createdAt: string;
  statusTimes: Order['statusTimes'];
}

/** What `admin.day_report` answers. */
export interface DayReport {
  /** The business day (YYYY-MM-DD). */
  day: string;
  /** The time zone the day is counted in. */
  timezone: string;
  /** The day's finished orders, oldest placed first. */
  orders: DayOrder[];
  /** False when orders of the day were left out (the bound was reached, or a write failed). */
  complete: boolean;
}

const DAY_FORMATS = new Map<string, { format: Intl.DateTimeFormat; minute: number; day: string }>();

/**
 * The business day (YYYY-MM-DD) that `at` (ms) falls on in `timezone` (IANA): what order numbers
 * restart with and the day book is kept by. Formatted once per zone and minute (order.place runs it).
 */
export function businessDay(at: number, timezone: string): string {
  const minute = Math.floor(at / 60_000);
  let zone = DAY_FORMATS.get(timezone);
  if (!zone) {
    const format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    DAY_FORMATS.set(timezone, (zone = { format, minute: Number.NaN, day: '' }));
  }
  if (zone.minute !== minute) {
    zone.day = zone.format.format(at);
    zone.minute = minute;
  }
  return zone.day;
}

/** What the day book keeps of an order: the one definition of a day's row. */
export function toDayOrder(o: Order): DayOrder {
  return {
    orderId: o.orderId,
    ...(o.orderNumber ? { orderNumber: o.orderNumber } : {}),
    fulfillment: o.fulfillment,
    ...(o.table ? { table: o.table } : {}),
    status: o.status,
    total: o.total,
    currency: o.currency,
    ...(o.payment ? { payment: o.payment.status } : {}),
    items: o.items.map((i) => ({ name: i.name, quantity: i.quantity, unitPrice: i.unitPrice })),
    ...(o.courierId ? { courierId: o.courierId } : {}),
    createdAt: o.createdAt,
    statusTimes: { ...o.statusTimes },
  };
}
