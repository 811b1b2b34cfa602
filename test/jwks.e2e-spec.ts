import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { loadConfig } from '../src/config/load-config.js';
import { MovableClock, clockModule } from './support/clock.js';
import { connect, refused } from './support/client.js';
import { freePort } from './support/free-port.js';
import { startHub, type TestHub } from './support/hub.js';
import { mintToken } from './support/tokens.js';

/** An identity provider's signing key: its private half signs, its public half is in the set. */
function signingKey(kid: string): {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
  pem: string;
} {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid,
    privateKey,
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Claims the way an Auth0 tenant puts them: a namespaced role, the tenant inside an object. */
const ROLE = 'https://orderwire.example/role';
/** Auth0's `sub` is `auth0|…` (no hub user id has a `|`): the id is in a claim of its own. */
const claims = (role: unknown, uid = 'u-1', tenant = 'r-jwks') => ({
  sub: `auth0|${uid}`,
  'https://orderwire.example/uid': uid,
  [ROLE]: role,
  org: { id: tenant },
});

/**
 * Tokens from an identity provider (issue #32, part 6): verified against its JSON Web Key Set by
 * `kid`, with a rotation, the claims mapped, and the ways a token could sneak past refused.
 */
describe('identity providers: JWT_JWKS_URL, key rotation, claim mapping', () => {
  const clock = new MovableClock();
  const k1 = signingKey('k1');
  const k2 = signingKey('k2');
  const stranger = signingKey('k1'); // the same kid, another key: a forger's
  let published: Array<Record<string, unknown>> = [k1.jwk];
  let failing = false;
  let hits = 0;
  let server: Server;
  let hub: TestHub;
  const sign = (key: ReturnType<typeof signingKey>, body: Record<string, unknown>, kid = key.kid) =>
    mintToken(body, { alg: 'RS256', privateKey: key.privateKey, kid });

  beforeAll(async () => {
    const port = await freePort();
    server = createServer((_req, res) => {
      hits++;
      if (failing) return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    hub = await startHub(
      {
        JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        JWT_ROLE_CLAIM: ROLE,
        JWT_TENANT_CLAIM: 'org.id',
        JWT_SUBJECT_CLAIM: 'https://orderwire.example/uid',
      },
      { imports: [clockModule(clock)] },
    );
  });
  afterAll(async () => {
    await hub?.close();
    server?.close();
  });

  it("admits a token signed with a listed key, the role and tenant read from the provider's claims", async () => {
    expect(hits).toBe(1); // fetched once, at start
    const crew = await connect(hub, 'crew', 'k', {
      token: sign(k1, { ...claims('crew', 'k-1'), crewRole: 'kitchen' }),
    });
    const customer = await connect(hub, 'customer', 'c', { token: sign(k1, claims('customer', 'c-1')) });
    try {
      const { orderId } = await customer.ok('order.place', {
        items: [{ sku: 'x', name: 'X', quantity: 1, unitPrice: 100 }],
        currency: 'EUR',
        fulfillment: 'pickup',
      });
      // Same tenant, read from org.id: the crew of r-jwks gets it.
      await crew.waitFor('order.created', (e) => (e.data.order as { orderId: string }).orderId === orderId);
      // A list of roles is fine when it holds exactly one of ours (Keycloak's realm roles).
      const listed = await connect(hub, 'admin', 'a', {
        token: sign(k1, claims(['offline_access', 'admin'], 'a-1')),
      });
      listed.close();
    } finally {
      crew.close();
      customer.close();
    }
  });

  it('refuses a token without kid, an unknown kid, a forged key, HS256 made with the public key, alg none, two roles, the role in the wrong claim', async () => {
    const code = async (token: string, role: 'customer' | 'admin' = 'customer') =>
      (await refused(hub, role, 'x', { token })).code;
    const body = claims('customer');
    await expect(code(mintToken(body, { alg: 'RS256', privateKey: k1.privateKey }))).resolves.toBe(
      'UNAUTHORIZED',
    );
    await expect(code(sign(k1, body, 'nobody-knows'))).resolves.toBe('UNAUTHORIZED');
    await expect(code(sign(stranger, body))).resolves.toBe('UNAUTHORIZED');
    await expect(code(mintToken(body, { alg: 'HS256', secret: k1.pem, kid: 'k1' }))).resolves.toBe(
      'UNAUTHORIZED',
    );
    await expect(code(mintToken(body, { alg: 'none', kid: 'k1' }))).resolves.toBe('UNAUTHORIZED');
    await expect(code(sign(k1, claims(['customer', 'admin'])), 'admin')).resolves.toBe('UNAUTHORIZED');
    // `role` is not where this provider puts it: ignored, so the token has no role.
    await expect(code(sign(k1, { ...claims(undefined), role: 'admin' }), 'admin')).resolves.toBe(
      'UNAUTHORIZED',
    );
  });

  it('a rotation: the first token with the new key fetches the set again; made-up kids fetch it at most every 30 s', async () => {
    clock.advance(31_000);
    published = [k2.jwk];
    const before = hits;
    const rotated = await connect(hub, 'customer', 'c', { token: sign(k2, claims('customer', 'c-2')) });
    rotated.close();
    expect(hits).toBe(before + 1);
    // A flood of unknown kids within 30 s costs no more fetches.
    for (let i = 0; i < 5; i++)
      expect(
        (await refused(hub, 'customer', 'x', { token: sign(k2, claims('customer'), `made-up-${i}`) })).code,
      ).toBe('UNAUTHORIZED');
    expect(hits).toBe(before + 1);
    clock.advance(31_000);
    await refused(hub, 'customer', 'x', { token: sign(k2, claims('customer'), 'made-up-late') });
    expect(hits).toBe(before + 2);
    // The old key left the set: its tokens are refused now.
    expect((await refused(hub, 'customer', 'x', { token: sign(k1, claims('customer')) })).code).toBe(
      'UNAUTHORIZED',
    );
  });

  it('while the provider is down the keys already fetched keep working', async () => {
    failing = true;
    clock.advance(11 * 60_000); // past the 10-minute refresh: tried in the background, fails
    try {
      const c = await connect(hub, 'customer', 'c', { token: sign(k2, claims('customer', 'c-3')) });
      c.close();
      const again = await connect(hub, 'customer', 'c', { token: sign(k2, claims('customer', 'c-4')) });
      again.close();
    } finally {
      failing = false;
    }
  });

  it('the settings: one source of keys; a key set is for RS256 or ES256; https in production', () => {
    const base = { JWT_JWKS_URL: 'https://idp.example/.well-known/jwks.json' };
    expect(() => loadConfig({ ...base, JWT_SECRET: 'x'.repeat(32) })).toThrow(
      /JWT_JWKS_URL: set it, JWT_SECRET or JWT_PUBLIC_KEY/,
    );
    expect(() => loadConfig({ ...base, JWT_ALGORITHM: 'HS256' })).toThrow(/not HS256/);
    expect(() =>
      loadConfig({
        JWT_JWKS_URL: 'http://idp.example/jwks',
        NODE_ENV: 'production',
        CORS_ORIGINS: 'https://a.example',
      }),
    ).toThrow(/must be https in production/);
    expect(() => loadConfig({ JWT_JWKS_URL: 'file:///etc/passwd' })).toThrow(/JWT_JWKS_URL/);
    expect(loadConfig(base).jwt).toMatchObject({
      algorithm: 'RS256',
      jwksUrl: base.JWT_JWKS_URL,
      insecureDevSecret: false,
    });
  });
});
