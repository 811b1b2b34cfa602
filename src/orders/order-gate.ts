import type { Order } from '@orderwire/contracts';

/**
 * What may refuse an order after the menu priced it and before it is stored: the operator's
 * deciding webhooks (docs/protocol.md section 12, decisions: src/webhooks/webhook-decisions.ts),
 * bound in orders.module.ts.
 */
export interface OrderGate {
  /** Whether anything decides this tenant's orders (cheap: every placement asks). */
  decides(tenantId: string): boolean;
  /** Resolves when the order may go on; throws a HubException (REJECTED, BACKEND_UNAVAILABLE). */
  decide(order: Order): Promise<void>;
}

export const ORDER_GATE = Symbol('ORDER_GATE');
