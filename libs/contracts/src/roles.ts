/** Who connects to the hub. Each role has its own Socket.IO namespace. */
export const ROLES = ['customer', 'crew', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who can stand in `sender.type` of an envelope. */
export const SENDER_TYPES = ['customer', 'crew', 'admin', 'service', 'system'] as const;
export type SenderType = (typeof SENDER_TYPES)[number];

/** Who sent a message (the envelope's `sender`). */
export interface Sender {
  id: string;
  type: SenderType;
}

export const CREW_ROLES = ['kitchen', 'courier', 'front'] as const;
export type CrewRole = (typeof CREW_ROLES)[number];

/** The tenant id of a platform admin, who sees every tenant. Only valid with `role: admin`. */
export const ALL_TENANTS = '*';

/** The namespace of each role: `/customer`, `/crew`, `/admin`. */
export const NAMESPACES: Readonly<Record<Role, `/${Role}`>> = {
  customer: '/customer',
  crew: '/crew',
  admin: '/admin',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The claims a hub token carries (PROTOCOL section 2). */
export interface HubClaims {
  sub: string;
  role: Role;
  tenantId: string;
  exp: number;
  iat?: number;
  nbf?: number;
  crewRole?: CrewRole;
  /** Extension: the kitchen stations a crew screen makes (docs/protocol.md section 13). */
  stations?: string[];
  iss?: string;
  aud?: string | string[];
}

/** The claims of a service token used on `POST /api/v1/events`. */
export interface ServiceClaims {
  sub: string;
  role: 'service';
  /** Tenants the service may publish to; `"*"` or absent means all. */
  tenantId?: string;
  tenants?: string[];
  exp: number;
}
