import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, refused } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { mintToken, rsaKeys, TEST_SECRET, tokenFor } from './support/tokens.js';

describe('handshake authentication', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub({
      JWT_ISSUER: 'orderwire-tests',
      JWT_AUDIENCE: 'hub',
      CORS_ORIGINS: 'https://app.example',
    });
  });
  afterAll(() => hub.close());

  const good = (extra: Record<string, unknown> = {}) =>
    mintToken({ sub: 'u-1', role: 'crew', tenantId: 'r-1', iss: 'orderwire-tests', aud: 'hub', ...extra });

  it('accepts a valid token and welcomes the session', async () => {
    const c = await connect(hub, 'crew', 'u-1', { token: good() });
    const welcome = await c.waitFor('system.welcome');
    expect(welcome.data).toMatchObject({
      user: { id: 'u-1', role: 'crew', tenantId: 'r-1' },
      recovered: true,
      replayed: 0,
    });
    expect(c.received.map((e) => e.type).slice(0, 2)).toEqual(['system.welcome', 'order.board']);
    c.close();
  });

  it('accepts a Bearer header from a Node client', async () => {
    const c = await connect(hub, 'crew', 'u-1', {
      token: '',
      extraHeaders: { Authorization: `Bearer ${good()}` },
    });
    expect(c.socket.connected).toBe(true);
    c.close();
  });

  const cases: Array<
    [
      string,
      () => {
        token?: string;
        query?: Record<string, string>;
        origin?: string;
        ns?: 'customer' | 'crew' | 'admin';
      },
      string,
    ]
  > = [
    ['no token', () => ({ token: '' }), 'UNAUTHORIZED'],
    ['a malformed token', () => ({ token: 'not.a.jwt' }), 'UNAUTHORIZED'],
    [
      'a bad signature',
      () => ({
        token: mintToken(
          { sub: 'u-1', role: 'crew', tenantId: 'r-1', iss: 'orderwire-tests', aud: 'hub' },
          { secret: 'another-secret-0123456789' },
        ),
      }),
      'UNAUTHORIZED',
    ],
    [
      'alg none',
      () => ({
        token: mintToken(
          { sub: 'u-1', role: 'crew', tenantId: 'r-1', iss: 'orderwire-tests', aud: 'hub' },
          { alg: 'none' },
        ),
      }),
      'UNAUTHORIZED',
    ],
    [
      'an expired token',
      () => ({ token: good({ exp: Math.floor(Date.now() / 1000) - 60 }) }),
      'TOKEN_EXPIRED',
    ],
    [
      'nbf in the future',
      () => ({ token: good({ nbf: Math.floor(Date.now() / 1000) + 600 }) }),
      'UNAUTHORIZED',
    ],
    ['the wrong issuer', () => ({ token: good({ iss: 'someone-else' }) }), 'UNAUTHORIZED'],
    ['the wrong audience', () => ({ token: good({ aud: 'other' }) }), 'UNAUTHORIZED'],
    [
      'no exp',
      () => ({
        token: mintToken(
          { sub: 'u-1', role: 'crew', tenantId: 'r-1', iss: 'orderwire-tests', aud: 'hub' },
          { omitExp: true },
        ),
      }),
      'UNAUTHORIZED',
    ],
    ['a customer token on /admin', () => ({ token: good({ role: 'customer' }), ns: 'admin' }), 'FORBIDDEN'],
    ['tenant "*" for crew', () => ({ token: good({ tenantId: '*' }) }), 'FORBIDDEN'],
    ['a token in the query string', () => ({ token: '', query: { token: good() } }), 'UNAUTHORIZED'],
  ];
  it.each(cases)('refuses %s', async (_name, make, code) => {
    const c = make();
    const err = await refused(hub, c.ns ?? 'crew', 'u-1', { token: c.token, query: c.query });
    expect(err.code).toBe(code);
    expect(typeof err.message).toBe('string');
  });

  it('refuses an origin outside CORS_ORIGINS, on polling and on WebSocket', async () => {
    for (const transports of [['polling'], ['websocket']] as const) {
      const err = await refused(hub, 'crew', 'u-1', {
        token: good(),
        transports: [...transports],
        extraHeaders: { Origin: 'https://evil.example' },
      });
      expect(err.code).toBe('FORBIDDEN');
    }
    const ok = await connect(hub, 'crew', 'u-1', {
      token: good(),
      extraHeaders: { Origin: 'https://app.example' },
    });
    ok.close();
  });

  it("a handshake the hub cannot complete (its storage failing) is TOO_MANY_CONNECTIONS, retry later, not the token's fault", async () => {
    const { SESSION_REGISTRY } = await import('../src/engine/engine.tokens.js');
    const registry = hub.app.get<{ register: (...args: unknown[]) => Promise<unknown> }>(SESSION_REGISTRY);
    const register = registry.register;
    registry.register = () => Promise.reject(new Error('storage unreachable'));
    try {
      expect((await refused(hub, 'crew', 'u-1', { token: good() })).code).toBe('TOO_MANY_CONNECTIONS');
    } finally {
      registry.register = register;
    }
    const back = await connect(hub, 'crew', 'u-1', { token: good() });
    back.close();
  });

  it('counts refusals in /metrics by code', async () => {
    const res = await fetch(`${hub.url}/metrics`);
    const text = await res.text();
    expect(text).toMatch(/orderwire_auth_failures_total\{code="TOKEN_EXPIRED"\} [1-9]/);
    expect(text).toMatch(/orderwire_auth_failures_total\{code="UNAUTHORIZED"\} [1-9]/);
  });
});

describe('RS256 hub', () => {
  let hub: TestHub;
  const keys = rsaKeys();
  beforeAll(async () => {
    hub = await startHub({ JWT_SECRET: '', JWT_PUBLIC_KEY: keys.publicPem, JWT_ALGORITHM: 'RS256' });
  });
  afterAll(() => hub.close());

  it('accepts RS256 tokens signed with the private key', async () => {
    const token = mintToken(
      { sub: 'a-1', role: 'admin', tenantId: 'r-1' },
      { alg: 'RS256', privateKey: keys.privateKey },
    );
    const c = await connect(hub, 'admin', 'a-1', { token });
    c.close();
  });

  it('refuses HS256 tokens signed with the public key (algorithm confusion)', async () => {
    const token = mintToken(
      { sub: 'a-1', role: 'admin', tenantId: 'r-1' },
      { alg: 'HS256', secret: keys.publicPem },
    );
    expect((await refused(hub, 'admin', 'a-1', { token })).code).toBe('UNAUTHORIZED');
  });

  it('refuses HS256 tokens signed with a shared secret', async () => {
    const token = mintToken({ sub: 'a-1', role: 'admin', tenantId: 'r-1' }, { secret: TEST_SECRET });
    expect((await refused(hub, 'admin', 'a-1', { token })).code).toBe('UNAUTHORIZED');
  });
});

describe('tokens on a live connection', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub();
  });
  afterAll(() => hub.close());

  it('disconnects at exp with system.error TOKEN_EXPIRED', async () => {
    const token = mintToken({ sub: 'u-2', role: 'customer', tenantId: 'r-1' }, { expiresIn: 2 });
    const c = await connect(hub, 'customer', 'u-2', { token });
    const err = await c.waitFor('system.error', (e) => e.data.code === 'TOKEN_EXPIRED', 4000);
    expect(err.data.code).toBe('TOKEN_EXPIRED');
    expect(await c.waitDisconnect()).toBe('io server disconnect');
  });

  it('auth.refresh before exp keeps the connection', async () => {
    const token = mintToken({ sub: 'u-3', role: 'customer', tenantId: 'r-1' }, { expiresIn: 2 });
    const c = await connect(hub, 'customer', 'u-3', { token });
    const fresh = mintToken({ sub: 'u-3', role: 'customer', tenantId: 'r-1' }, { expiresIn: 600 });
    const reply = await c.ok('auth.refresh', { token: fresh });
    expect(reply.exp).toBeGreaterThan(Date.now() / 1000 + 500);
    // Past the first token's exp: still connected and serving.
    await new Promise((r) => setTimeout(r, 2500));
    expect(c.socket.connected).toBe(true);
    expect((await c.ok('heartbeat', { clientTime: Date.now() })).serverTime).toEqual(expect.any(Number));
    expect(c.of('system.error')).toHaveLength(0);
    c.close();
  });

  it('auth.refresh refuses a token of another user, an expired one and garbage', async () => {
    const c = await connect(hub, 'customer', 'u-4');
    expect((await c.cmd('auth.refresh', { token: tokenFor('customer', 'someone-else') })).error?.code).toBe(
      'FORBIDDEN',
    );
    const expired = mintToken({ sub: 'u-4', role: 'customer', tenantId: 'r-1' }, { expiresIn: -10 });
    expect((await c.cmd('auth.refresh', { token: expired })).error?.code).toBe('TOKEN_EXPIRED');
    expect((await c.cmd('auth.refresh', { token: 'garbage' })).error?.code).toBe('UNAUTHORIZED');
    expect((await c.cmd('auth.refresh', {})).error?.code).toBe('VALIDATION_FAILED');
    c.close();
  });
});
