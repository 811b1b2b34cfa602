import { describe, expect, it } from '@jest/globals';
import {
  canCancel,
  FINAL_STATUSES,
  isLegalTransition,
  nextStatuses,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
} from './order.js';

describe('the order status machine', () => {
  it('allows exactly the transitions of PROTOCOL section 5', () => {
    const legal: string[] = [];
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        for (const f of ['pickup', 'delivery', 'dine_in'] as const)
          if (isLegalTransition(from, to, f)) legal.push(`${from}>${to}:${f}`);
      }
    }
    expect(legal.sort()).toEqual(
      [
        'scheduled>placed',
        'scheduled>cancelled',
        'placed>accepted',
        'placed>rejected',
        'placed>cancelled',
        'accepted>preparing',
        'accepted>cancelled',
        'preparing>ready',
        'preparing>cancelled',
        'ready>cancelled',
        'out_for_delivery>delivered',
      ]
        .flatMap((t) => [`${t}:pickup`, `${t}:delivery`, `${t}:dine_in`])
        .concat(['ready>out_for_delivery:delivery', 'ready>picked_up:pickup', 'ready>served:dine_in'])
        .sort(),
    );
  });

  it('final statuses have no way out', () => {
    for (const s of FINAL_STATUSES) expect(ORDER_TRANSITIONS[s]).toEqual([]);
    expect([...FINAL_STATUSES].sort()).toEqual(['cancelled', 'delivered', 'picked_up', 'rejected', 'served']);
  });

  it('lists the next statuses for buttons, by fulfillment', () => {
    expect(nextStatuses('ready', 'pickup')).toEqual(['picked_up', 'cancelled']);
    expect(nextStatuses('ready', 'delivery')).toEqual(['out_for_delivery', 'cancelled']);
  });

  it('customers cancel only while placed or accepted; staff until final', () => {
    expect(canCancel('customer', 'accepted')).toBe(true);
    expect(canCancel('customer', 'preparing')).toBe(false);
    expect(canCancel('crew', 'ready')).toBe(true);
    expect(canCancel('admin', 'delivered')).toBe(false);
  });
});
