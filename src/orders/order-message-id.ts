import { hash } from 'node:crypto';
import { formatUlid } from '@orderwire/contracts';

/**
 * The id of an order's `order.created`: a ULID whose time is the order's `createdAt` and whose
 * random part comes from the tenant and order id, so that every node names the same message. A
 * retry of `order.place` that finds the order already stored (its first node may have died
 * between storing it and publishing) publishes under this id: stored already, it is delivered
 * again (clients drop the copy by id); not stored, it is published now, once.
 */
export function orderCreatedMessageId(tenantId: string, orderId: string, createdAt: string): string {
  // crypto.hash (Node 20.12+): one call, no Hash object per order.
  const digest = hash('sha256', `${tenantId}|${orderId}|order.created`, 'buffer');
  return formatUlid(Date.parse(createdAt), digest);
}
