import { describe, expect, it } from '@jest/globals';
import type { DayOrder, Order } from '@orderwire/contracts/protocol';
import { businessDay } from '@orderwire/contracts/protocol';
import { dayFigures, dayRows, lateNow, lateness, prepSeconds, quantile } from './figures.js';

const T = (hhmm: string, day = '2026-12-07') => `${day}T${hhmm}:00.000Z`;
const order = (
  id: string,
  status: Order['status'],
  times: Record<string, string>,
  extra: Partial<Order> = {},
): Order => ({
  orderId: id,
  tenantId: 't',
  customerId: 'c',
  items: [{ sku: 's', name: 'Burger', quantity: 1, unitPrice: 850 }],
  total: 850,
  currency: 'EUR',
  fulfillment: 'pickup',
  status,
  createdAt: times.placed ?? Object.values(times)[0]!,
  updatedAt: Object.values(times).at(-1)!,
  statusTimes: times,
  ...extra,
});
const row = (o: Order): DayOrder => ({
  orderId: o.orderId,
  fulfillment: o.fulfillment,
  status: o.status,
  total: o.total,
  currency: o.currency,
  items: [],
  createdAt: o.createdAt,
  statusTimes: o.statusTimes,
  ...(o.payment ? { payment: o.payment.status } : {}),
});

describe("a manager's figures of the day", () => {
  it("counts the business day in the restaurant's zone", () => {
    expect(businessDay(Date.parse('2026-12-08T03:00:00Z'), 'America/New_York')).toBe('2026-12-07');
    expect(businessDay(Date.parse('2026-12-08T03:00:00Z'), 'Europe/Lisbon')).toBe('2026-12-08');
  });

  it('joins the day book and the board: the board is newer, other days and scheduled orders stay out', () => {
    const finished = order('a', 'picked_up', {
      placed: T('10:00'),
      ready: T('10:12'),
      picked_up: T('10:20'),
    });
    const book = [row({ ...finished, status: 'ready' })];
    const live = [
      finished,
      order('b', 'placed', { placed: T('11:00') }),
      order('y', 'placed', { placed: T('23:50', '2026-12-06') }),
      order('s', 'scheduled', { scheduled: T('09:00') }, { scheduledFor: T('20:00') }),
    ];
    const rows = dayRows(book, live, '2026-12-07', 'UTC');
    expect(rows.map((r) => [r.orderId, r.status])).toEqual([
      ['a', 'picked_up'],
      ['b', 'placed'],
    ]);
  });

  it('takings leave out rejected, cancelled and refunded orders; prep is placed (fired) to ready', () => {
    const rows = [
      row(order('a', 'picked_up', { placed: T('10:00'), ready: T('10:12'), picked_up: T('10:20') })),
      row(order('b', 'served', { placed: T('11:00'), ready: T('11:20'), served: T('11:30') })),
      row(order('c', 'rejected', { placed: T('11:10'), rejected: T('11:11') })),
      row(
        order(
          'd',
          'picked_up',
          { placed: T('11:30'), ready: T('11:36'), picked_up: T('11:40') },
          {
            payment: { status: 'refunded', updatedAt: T('12:00') },
          },
        ),
      ),
      row(order('e', 'preparing', { scheduled: T('08:00'), placed: T('11:50'), accepted: T('11:51') })),
    ];
    const f = dayFigures(rows, Date.parse(T('12:00')));
    expect(f).toEqual({
      orders: 4,
      lastHour: 3,
      dropped: 1,
      revenue: [{ currency: 'EUR', minor: 850 * 3 }],
      avgPrepS: ((12 + 20 + 6) * 60) / 3,
      p90PrepS: 20 * 60,
      prepCount: 3,
    });
    expect(prepSeconds(rows[4]!)).toBeUndefined();
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(quantile([], 0.9)).toBeUndefined();
  });

  it("late is the crew board's late: past the prep time, or the acceptance SLA while placed", () => {
    const now = Date.parse(T('12:00'));
    const placed = order('p', 'placed', { placed: T('11:57') });
    expect(lateness(placed, now, 120, 20).sla).toBe('late');
    expect(lateness(placed, now, 600, 20).sla).toBe('ok');
    const cooking = order('c', 'preparing', { placed: T('11:45'), accepted: T('11:46') });
    expect(lateness(cooking, now, 120, 20).sla).toBe('warn');
    expect(lateness(cooking, now, 120, 10).sla).toBe('late');
    const done = order('d', 'picked_up', { placed: T('09:00'), picked_up: T('09:30') });
    expect(lateNow([placed, cooking, done], now, 120, 20)).toBe(1);
  });
});
