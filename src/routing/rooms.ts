import type { CrewRole, Role } from '@orderwire/contracts';
import { ALL_TENANTS } from '@orderwire/contracts';

/**
 * Every room name, in one place. Rooms live inside a role namespace, so `t:r-1` in `/crew` is
 * the tenant's crew and `t:r-1` in `/admin` its admins. Tenant ids cannot hold `:` (see
 * TENANT_PATTERN), which keeps the names unambiguous.
 */
export const Rooms = {
  /** Everyone of the namespace's role in a tenant; `t:*` holds the platform admins. */
  tenant: (tenantId: string): string => `t:${tenantId}`,
  /** Every session of one user. */
  user: (tenantId: string, userId: string): string => `u:${tenantId}:${userId}`,
  /** One session, for admin.disconnect by session id. */
  session: (tenantId: string, sessionId: string): string => `s:${tenantId}:${sessionId}`,
  platformAdmins: `t:${ALL_TENANTS}`,
  /**
   * A crew station of a tenant (in `/crew`): `kitchen`, `front`, `courier`, or `all` for crew whose
   * token names no crewRole. Order events go to stations; everything else for crew to `tenant`.
   */
  station: (tenantId: string, station: CrewRole | 'all'): string => `st:${tenantId}:${station}`,
} as const;

/** One user in one role namespace: the unit that acknowledges durable messages. */
export function userKey(role: Role, tenantId: string, userId: string): string {
  return `${role}|${tenantId}|${userId}`;
}

export function parseUserKey(key: string): { role: Role; tenantId: string; userId: string } {
  const first = key.indexOf('|');
  const second = key.indexOf('|', first + 1);
  return {
    role: key.slice(0, first) as Role,
    tenantId: key.slice(first + 1, second),
    userId: key.slice(second + 1),
  };
}

/** The rooms a session joins when it connects: crew also join their station's. */
export function roomsOf(
  role: Role,
  tenantId: string,
  userId: string,
  sessionId: string,
  crewRole?: CrewRole,
): string[] {
  const rooms = [Rooms.tenant(tenantId), Rooms.user(tenantId, userId), Rooms.session(tenantId, sessionId)];
  if (role === 'crew') rooms.push(Rooms.station(tenantId, crewRole ?? 'all'));
  return rooms;
}
