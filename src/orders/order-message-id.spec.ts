import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { orderCreatedMessageId } from './order-message-id.js';

describe('orderCreatedMessageId', () => {
  it('names an order.created as every node and every earlier version does (a rolling upgrade must not rename it)', () => {
    // The value the first implementation (createHash('sha256')) gave; a change would make a
    // retried order.place publish a second message under a new id during an upgrade.
    expect(orderCreatedMessageId('t1', 'o1', '2026-12-02T10:00:00.000Z')).toBe('01M8V34Q80MQY6JY7EFFJPZ4JE');
  });

  it('differs by tenant and order, and carries the order time', () => {
    const at = '2026-12-02T10:00:00.000Z';
    const ids = new Set([
      orderCreatedMessageId('t1', 'o1', at),
      orderCreatedMessageId('t2', 'o1', at),
      orderCreatedMessageId('t1', 'o2', at),
    ]);
    expect(ids.size).toBe(3);
    expect(orderCreatedMessageId('t1', 'o1', at).slice(0, 10)).toBe(
      orderCreatedMessageId('t9', 'o9', at).slice(0, 10),
    );
  });
});
