import type { CrewRole, SenderType } from './roles.js';

/** Who did it: a user (with their role), a service, or the hub itself. */
export interface AuditActor {
  id: string;
  type: SenderType;
  crewRole?: CrewRole;
}

/**
 * One line of a tenant's audit trail (docs/protocol.md section 11): who changed what, when, from
 * what to what. `id` orders the trail (newest last) and pages it.
 */
export interface AuditEntry {
  id: string;
  at: string;
  tenantId: string;
  actor: AuditActor;
  /** The command or event: `order.place`, `order.update_status`, `payment.refunded`, `alert` … */
  action: string;
  orderId?: string;
  /** The user acted upon (`admin.disconnect`). */
  subjectUserId?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  details?: Record<string, unknown>;
}

/** What `admin.audit` answers: newest first, and where to go on from when there may be more. */
export interface AuditPage {
  items: AuditEntry[];
  next?: string;
}
