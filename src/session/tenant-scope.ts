import { ALL_TENANTS } from '@orderwire/contracts';
import type { Session } from './session.js';
import { HubException, invalid } from '../util/hub.exception.js';

/**
 * The tenant a command acts on. Tenant users act on their own tenant only (naming another is
 * FORBIDDEN); platform admins must name one.
 */
export function tenantOf(session: Session, requested: string | undefined): string {
  if (session.tenantId !== ALL_TENANTS) {
    if (requested !== undefined && requested !== session.tenantId) {
      throw new HubException('FORBIDDEN', 'you cannot act on another tenant');
    }
    return session.tenantId;
  }
  if (requested === undefined || requested === ALL_TENANTS) {
    throw invalid(
      [{ field: 'tenantId', messages: ['tenantId is required for platform admins'] }],
      'platform admins must name the tenantId',
    );
  }
  return requested;
}
