import request from 'supertest';
import type { TestHub } from './hub.js';
import { mintToken } from './tokens.js';

/**
 * POSTs one event to `/api/v1/events` as a service scoped to `tenantId` (its token's `sub` is
 * `service`): the response, for the test to check. `to` is a hub in this process, or a URL.
 */
export function publishEvent(
  to: Pick<TestHub, 'app'> | string,
  tenantId: string,
  type: string,
  data: unknown,
  service = 'pos',
) {
  return request(typeof to === 'string' ? to : to.app.getHttpServer())
    .post('/api/v1/events')
    .set('Authorization', `Bearer ${mintToken({ sub: service, role: 'service', tenants: [tenantId] })}`)
    .send({ type, tenantId, data });
}
