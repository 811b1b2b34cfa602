import type { Fulfillment, OrderStatus, Role, ServerEventType } from '@orderwire/contracts';
import { ALL_TENANTS, ROLES } from '@orderwire/contracts';
import { Rooms } from './rooms.js';

/**
 * Whom a message is for. Built by the hub only from token claims and the order board
 * (never from what a client sends), so a recipient set cannot cross tenants.
 */
export interface Audience {
  tenantId: string;
  /** The order's customer, read from the order board. */
  customerId?: string;
  /** Named users of the tenant, in whatever role namespace they are connected. */
  userIds?: readonly string[];
  /** Whole roles of the tenant. */
  roles?: readonly Role[];
  /** The order an order event is about, as it is after the event: it decides the crew stations. */
  order?: { status: OrderStatus; fulfillment: Fulfillment };
}

/** Statuses in which couriers see a delivery order: from `ready` on. */
const COURIER_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'ready',
  'out_for_delivery',
  'delivered',
]);

/** Whether the courier station hears of an order in this state (its events and its board). */
export function forCouriers(o: { status: OrderStatus; fulfillment: Fulfillment }): boolean {
  return o.fulfillment === 'delivery' && COURIER_STATUSES.has(o.status);
}

/** Rooms a message is addressed to, per role namespace (see rooms.ts). */
export type Targets = Partial<Record<Role, string[]>>;

type Rule = (a: Audience) => Targets;

const add = (t: Targets, role: Role, ...rooms: string[]): Targets => {
  (t[role] ??= []).push(...rooms);
  return t;
};
const admins = (t: Targets, a: Audience): Targets =>
  a.tenantId === ALL_TENANTS
    ? add(t, 'admin', Rooms.platformAdmins)
    : add(t, 'admin', Rooms.tenant(a.tenantId), Rooms.platformAdmins);
/**
 * The crew stations an order event is for: kitchen, front and crew without a crewRole always;
 * couriers for delivery orders from `ready` on (a cancellation after that too, so they stop).
 */
const crew = (t: Targets, a: Audience): Targets => {
  add(
    t,
    'crew',
    Rooms.station(a.tenantId, 'all'),
    Rooms.station(a.tenantId, 'kitchen'),
    Rooms.station(a.tenantId, 'front'),
  );
  const o = a.order;
  if (o && (forCouriers(o) || (o.fulfillment === 'delivery' && o.status === 'cancelled')))
    add(t, 'crew', Rooms.station(a.tenantId, 'courier'));
  return t;
};
const owner = (t: Targets, a: Audience): Targets =>
  a.customerId ? add(t, 'customer', Rooms.user(a.tenantId, a.customerId)) : t;
const named = (t: Targets, a: Audience): Targets => {
  for (const id of a.userIds ?? []) {
    const room = Rooms.user(a.tenantId, id);
    for (const role of ROLES) add(t, role, room);
  }
  return t;
};
/** Named users' crew sessions only (a courier assigned to an order). */
const namedCrew = (t: Targets, a: Audience): Targets => {
  for (const id of a.userIds ?? []) add(t, 'crew', Rooms.user(a.tenantId, id));
  return t;
};
/** The tenant's own admins, not platform admins (a courier's every position is for the tenant). */
const tenantAdmins = (t: Targets, a: Audience): Targets => add(t, 'admin', Rooms.tenant(a.tenantId));
const roles = (t: Targets, a: Audience): Targets => {
  for (const role of a.roles ?? []) {
    if (role === 'admin') admins(t, a);
    else add(t, role, Rooms.tenant(a.tenantId));
  }
  return t;
};

/** Every session of the tenant, whatever its role (not platform admins). */
const tenantWide: Rule = (a) => {
  const room = Rooms.tenant(a.tenantId);
  return Object.fromEntries(ROLES.map((role) => [role, [room]]));
};
const orderEvent: Rule = (a) => admins(crew(owner(named({}, a), a), a), a);
const adminsOnly: Rule = (a) => admins({}, a);

/** The routing table of PROTOCOL section 4: message type to recipients. */
export const ROUTES: Readonly<Partial<Record<ServerEventType, Rule>>> = {
  'order.created': orderEvent,
  'order.status_updated': orderEvent,
  'payment.confirmed': orderEvent,
  'payment.failed': orderEvent,
  'payment.refunded': orderEvent,
  notification: (a) => roles(named({}, a), a),
  'courier.location': (a) => tenantAdmins(owner({}, a), a),
  'system.alert': adminsOnly,
  'presence.changed': adminsOnly,
  'activity.log': adminsOnly,
  'system.metrics': adminsOnly,
  'menu.updated': tenantWide,
  'menu.availability_changed': tenantWide,
  'store.status': tenantWide,
  'order.lines_ready': (a) => admins(crew({}, a), a),
  'order.courier_assigned': (a) => admins(crew(owner(namedCrew({}, a), a), a), a),
  'order.eta_updated': orderEvent,
};

/** The one routing function: the rooms, per namespace, that receive `type` for `audience`. */
export function route(type: ServerEventType, audience: Audience): Targets {
  const rule = ROUTES[type];
  if (!rule) throw new Error(`no route for ${type}`);
  const targets = rule(audience);
  for (const role of Object.keys(targets) as Role[]) {
    const rooms = targets[role]!;
    if (rooms.length > 1) targets[role] = [...new Set(rooms)];
  }
  return targets;
}
