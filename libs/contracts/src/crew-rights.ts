import type { Fulfillment, OrderStatus } from './order.js';
import type { CrewRole } from './roles.js';

/**
 * Which order statuses each crew role may move an order to, and for which fulfilment
 * (docs/protocol.md section 5, "Crew roles"). Legality of the step itself is ORDER_TRANSITIONS';
 * this says who may take it. `cancelled` covers `order.cancel`. Crew tokens without a `crewRole`
 * keep every right crew have (as before crew roles were enforced); admins are not bound by this.
 */
export const CREW_ROLE_STATUSES: Readonly<
  Record<CrewRole, ReadonlyArray<{ to: OrderStatus; fulfillment?: Fulfillment }>>
> = {
  kitchen: [{ to: 'accepted' }, { to: 'rejected' }, { to: 'preparing' }, { to: 'ready' }],
  front: [
    // A scheduled order fired before its time ("fire now").
    { to: 'placed' },
    { to: 'accepted' },
    { to: 'rejected' },
    { to: 'preparing' },
    { to: 'ready' },
    { to: 'picked_up', fulfillment: 'pickup' },
    { to: 'served', fulfillment: 'dine_in' },
    { to: 'cancelled' },
  ],
  courier: [
    { to: 'out_for_delivery', fulfillment: 'delivery' },
    { to: 'delivered', fulfillment: 'delivery' },
  ],
};

/** Whether crew with `crewRole` may move an order of `fulfillment` to `to`. */
export function crewMayMove(
  crewRole: CrewRole | undefined,
  to: OrderStatus,
  fulfillment: Fulfillment,
): boolean {
  if (crewRole === undefined) return true;
  return CREW_ROLE_STATUSES[crewRole].some(
    (r) => r.to === to && (!r.fulfillment || r.fulfillment === fulfillment),
  );
}
