import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { ROLES, type ServerEventType } from '@orderwire/contracts';
import { ROUTES, route } from './routing.table.js';

describe('the routing table reaches every role', () => {
  it('every role of ROLES gets tenant-wide messages, messages to named users and notifications to its role', () => {
    for (const role of ROLES) {
      expect(route('menu.updated', { tenantId: 'r-1' })[role]).toEqual(['t:r-1']);
      expect(route('notification', { tenantId: 'r-1', userIds: ['u-1'] })[role]).toEqual(['u:r-1:u-1']);
      expect(route('notification', { tenantId: 'r-1', roles: [role] })[role]).toBeDefined();
    }
  });

  it('with the widest audience, the routes reach every role of ROLES (a role nothing reaches fails here)', () => {
    const reached = new Set<string>();
    const audience = {
      tenantId: 'r-1',
      customerId: 'c-1',
      userIds: ['u-1'],
      roles: ROLES,
      order: { status: 'ready' as const, fulfillment: 'delivery' as const },
    };
    for (const type of Object.keys(ROUTES) as ServerEventType[])
      for (const role of Object.keys(route(type, audience))) reached.add(role);
    expect([...reached].sort()).toEqual([...ROLES].sort());
  });
});
