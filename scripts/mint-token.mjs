#!/usr/bin/env node
// Mints an HS256 hub token for development:
//   npm run token -- --role crew --sub k-1 --tenant r-1 [--crew-role courier] [--ttl 3600]
// Uses JWT_SECRET, or the hub's built-in development secret when it is unset.
import { createHmac } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'customer' },
    sub: { type: 'string', default: 'u-1' },
    tenant: { type: 'string', default: 'r-1' },
    'crew-role': { type: 'string' },
    ttl: { type: 'string', default: '3600' },
  },
});
const secret = process.env.JWT_SECRET || 'orderwire-development-secret-do-not-use';
const now = Math.floor(Date.now() / 1000);
const claims = {
  sub: values.sub,
  role: values.role,
  tenantId: values.tenant,
  iat: now,
  exp: now + Number(values.ttl),
};
if (values['crew-role']) claims.crewRole = values['crew-role'];
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
process.stdout.write(`${head}.${createHmac('sha256', secret).update(head).digest('base64url')}\n`);
