import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import request from 'supertest';
import WebSocket from 'ws';
import type { Order } from '@orderwire/contracts';
import { MESSAGE_STORE } from '../src/engine/engine.tokens.js';
import type { MessageStore } from '../src/engine/message-store.js';
import { connect, refused, sampleOrder } from './support/client.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeRequiring } from './support/requirement.js';
import { describeRedis, startRedis } from './support/redis.js';
import { mintToken, TEST_SECRET, tokenFor } from './support/tokens.js';
import { startChild } from './support/child.js';
import { loadConfig } from '../src/config/load-config.js';

const notification = (tenantId = 'r-1') => ({
  type: 'notification',
  tenantId,
  data: { level: 'info', message: 'kitchen closes at 22:00' },
  to: { roles: ['crew'] },
});
const service = (claims: Record<string, unknown>) => mintToken({ sub: 'svc', role: 'service', ...claims });
const now = () => Math.floor(Date.now() / 1000);

describe('hardening: tokens, scopes and headers (memory engine)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub({ MAX_TOKEN_TTL_SECONDS: '3600', CORS_ORIGINS: 'http://console.test' });
  });
  afterAll(async () => {
    await hub.close();
  });
  const post = (body: object, token: string) =>
    request(hub.app.getHttpServer())
      .post('/api/v1/events')
      .set('Authorization', `Bearer ${token}`)
      .send(body);

  it.each([
    ['tenants as a string', { tenants: 'only-mine' }],
    ['tenants with a number', { tenants: ['r-1', 7] }],
    ['an empty tenants list', { tenants: [] }],
    ['a malformed tenantId', { tenantId: 42 }],
    ['tenants and tenantId both', { tenants: ['r-1'], tenantId: 'r-2' }],
  ])('refuses a service token with %s (401), never reading it as every tenant', async (_n, claims) => {
    const res = await post(notification('r-2'), service(claims));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  it('a well-formed scope still limits: 403 outside it, 202 inside', async () => {
    expect((await post(notification('r-2'), service({ tenants: ['r-1'] }))).status).toBe(403);
    expect((await post(notification('r-1'), service({ tenants: ['r-1'] }))).status).toBe(202);
  });

  it('refuses tokens that live longer than MAX_TOKEN_TTL_SECONDS, with or without iat', async () => {
    const long = mintToken({ sub: 'k-1', role: 'crew', tenantId: 'r-1', iat: now(), exp: now() + 3700 });
    expect((await refused(hub, 'crew', 'k-1', { token: long })).code).toBe('UNAUTHORIZED');
    // Without iat the lifetime counted is exp - now.
    const noIat = mintToken({ sub: 'k-1', role: 'crew', tenantId: 'r-1', iat: undefined, exp: now() + 3700 });
    expect((await refused(hub, 'crew', 'k-1', { token: noIat })).message).toMatch(/lives longer/);
    const forever = mintToken({ sub: 'k-1', role: 'crew', tenantId: 'r-1', exp: 1e12 });
    expect((await refused(hub, 'crew', 'k-1', { token: forever })).message).toMatch(/lives longer/);
    const withinIat = mintToken({ sub: 'k-1', role: 'crew', tenantId: 'r-1', iat: now(), exp: now() + 3500 });
    (await connect(hub, 'crew', 'k-1', { token: withinIat })).close();
  });

  it('refuses tokens issued in the future: iat past CLOCK_SKEW_SECONDS, exp beyond the lifetime from now', async () => {
    const tenYears = 10 * 365 * 86_400;
    const future = { iat: now() + tenYears, exp: now() + tenYears + 600 };
    const customer = mintToken({ sub: 'c-1', role: 'customer', tenantId: 'r-1', ...future });
    expect(await refused(hub, 'customer', 'c-1', { token: customer })).toEqual({
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(/issued in the future/),
    });
    const publisher = service({ tenants: ['r-1'], ...future });
    const res = await post(notification('r-1'), publisher);
    expect([res.status, res.body.error?.code]).toEqual([401, 'UNAUTHORIZED']);
    // iat ahead by more than the skew (60 s), however short the lifetime.
    const ahead = mintToken({
      sub: 'c-1',
      role: 'customer',
      tenantId: 'r-1',
      iat: now() + 120,
      exp: now() + 300,
    });
    expect((await refused(hub, 'customer', 'c-1', { token: ahead })).code).toBe('UNAUTHORIZED');
    // exp - now is bounded as well as exp - iat: a modest lifetime starting in the future is not.
    const late = mintToken({
      sub: 'c-1',
      role: 'customer',
      tenantId: 'r-1',
      iat: now() + 50,
      exp: now() + 3700,
    });
    expect((await refused(hub, 'customer', 'c-1', { token: late })).message).toMatch(/lives longer/);
    // A clock a little ahead (within the skew) still connects.
    const skewed = mintToken({
      sub: 'c-1',
      role: 'customer',
      tenantId: 'r-1',
      iat: now() + 30,
      exp: now() + 600,
    });
    (await connect(hub, 'customer', 'c-1', { token: skewed })).close();
  });

  it('POST bodies with keys that reach a prototype are refused with 400 VALIDATION_FAILED', async () => {
    const token = service({ sub: 'svc-proto' });
    const deep = `{"type":"notification","tenantId":"r-1","data":${'['.repeat(2000)}${']'.repeat(2000)}}`;
    const cases: Array<[string, RegExp]> = [
      [
        '{"type":"notification","tenantId":"r-1","data":{"level":"info","message":"m","constructor":{"prototype":{"a":1}}}}',
        /is refused/,
      ],
      [
        '{"__proto__":{"admin":true},"type":"notification","tenantId":"r-1","data":{"level":"info","message":"m"}}',
        /is refused/,
      ],
      [
        '{"type":"notification","tenantId":"r-1","data":{"level":"info","message":"m"},"to":{"__proto__":[1]}}',
        /is refused/,
      ],
      [deep, /deeper than 32/],
    ];
    for (const [raw, message] of cases) {
      const res = await request(hub.app.getHttpServer())
        .post('/api/v1/events')
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'application/json')
        .send(raw);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.fields[0].messages[0]).toMatch(message);
    }
  });

  it('security headers on HTTP: no X-Powered-By, nosniff, no framing, a strict CSP on /console', async () => {
    const res = await request(hub.app.getHttpServer()).get('/console');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['strict-transport-security']).toBeUndefined(); // plain HTTP here
    const api = await request(hub.app.getHttpServer()).get('/health/live');
    expect(api.headers['x-powered-by']).toBeUndefined();
  });

  it('a 429 carries Retry-After and RateLimit-* headers; a 202 carries RateLimit-*', async () => {
    const h = await startHub({ RATE_PUBLISH_PER_SECOND: '1', RATE_PUBLISH_BURST: '2' });
    try {
      const token = service({ sub: 'svc-429' });
      const send = () =>
        request(h.app.getHttpServer())
          .post('/api/v1/events')
          .set('Authorization', `Bearer ${token}`)
          .send(notification());
      const ok = await send();
      expect(ok.status).toBe(202);
      expect(ok.headers['ratelimit-limit']).toBe('2');
      expect(ok.headers['ratelimit-remaining']).toBe('1');
      await send();
      const limited = await send();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited.headers['ratelimit-remaining']).toBe('0');
      expect(Number(limited.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
      expect(limited.body.error.details.retryAfterMs).toBeGreaterThan(0);
    } finally {
      await h.close();
    }
  });

  it('the origin allowlist holds for every request of a session: a polling session cannot upgrade from a foreign origin', async () => {
    const path = `${hub.url}/ws/?EIO=4&transport=polling`;
    const open = await fetch(path); // no Origin: a server-side client, allowed
    const sid = (JSON.parse((await open.text()).slice(1)) as { sid: string }).sid;
    // A poll from a foreign origin gets no CORS grant, so a browser cannot read it.
    const foreignPoll = await fetch(`${path}&sid=${sid}`, {
      method: 'POST',
      body: '6', // an engine.io noop packet: answered at once
      headers: { Origin: 'http://evil.test', 'Content-Type': 'text/plain' },
    });
    expect(foreignPoll.headers.get('access-control-allow-origin')).toBeNull();
    const upgrade = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${hub.url.replace('http', 'ws')}/ws/?EIO=4&transport=websocket&sid=${sid}`, {
        origin: 'http://evil.test',
      });
      ws.on('open', () => (ws.close(), resolve('open')));
      ws.on('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
      ws.on('error', () => resolve('refused'));
    });
    expect(upgrade).toMatch(/^refused/);
    // The same upgrade from the allowed origin goes through.
    const allowed = await fetch(path, { headers: { Origin: 'http://console.test' } });
    const sid2 = (JSON.parse((await allowed.text()).slice(1)) as { sid: string }).sid;
    const ok = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${hub.url.replace('http', 'ws')}/ws/?EIO=4&transport=websocket&sid=${sid2}`, {
        origin: 'http://console.test',
      });
      ws.on('open', () => (ws.close(), resolve('open')));
      ws.on('error', () => resolve('refused'));
    });
    expect(ok).toBe('open');
  });

  it('CORS_ORIGINS=* allows any origin without credentials; a list allows its origins with credentials', async () => {
    const any = await startHub({ CORS_ORIGINS: '*' });
    try {
      for (const url of [`${any.url}/health/live`, `${any.url}/ws/?EIO=4&transport=polling`]) {
        const res = await fetch(url, { headers: { Origin: 'http://evil.test' } });
        expect(res.headers.get('access-control-allow-origin')).toBe('*');
        expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      }
    } finally {
      await any.close();
    }
    const listed = await fetch(`${hub.url}/health/live`, { headers: { Origin: 'http://console.test' } });
    expect(listed.headers.get('access-control-allow-origin')).toBe('http://console.test');
    expect(listed.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('POST /dev/token is off with a real secret unless DEV_TOKENS=true names it', async () => {
    const res = await request(hub.app.getHttpServer())
      .post('/dev/token')
      .send({ role: 'admin', sub: 'x', tenantId: '*' });
    expect(res.status).toBe(404);
  });
});

async function revokedStaysRevoked(env: Record<string, string>): Promise<void> {
  const hub = await startHub({ MESSAGE_TTL_SECONDS: '2', MAX_TOKEN_TTL_SECONDS: '600', ...env });
  try {
    const token = tokenFor('crew', 'k-stolen');
    const victim = await connect(hub, 'crew', 'k-stolen', { token });
    const admin = await connect(hub, 'admin', 'a-1');
    await admin.ok('admin.disconnect', { userId: 'k-stolen', reason: 'stolen device', revokeTokens: true });
    await victim.waitDisconnect();
    // Issued within the skew after the revocation (a clock ahead, or minted in that minute): refused.
    const ahead = tokenFor('crew', 'k-stolen', 'r-1', { iat: now() + 30 });
    expect((await refused(hub, 'crew', 'k-stolen', { token: ahead })).code).toBe('UNAUTHORIZED');
    await new Promise((r) => setTimeout(r, 3000)); // past MESSAGE_TTL_SECONDS, the old retention
    expect((await refused(hub, 'crew', 'k-stolen', { token })).code).toBe('UNAUTHORIZED');
    expect((await refused(hub, 'crew', 'k-stolen', { token: ahead })).code).toBe('UNAUTHORIZED');
    // Past the revocation's reach (iat beyond it plus the 60 s skew) is past this clock's reach
    // too: refused as issued in the future. (+90, not +61: at +61 a handshake verified more than
    // the rest of that second after the iat was read, on a loaded machine, fell inside the skew.)
    const pastReach = tokenFor('crew', 'k-stolen', 'r-1', { iat: now() + 90 });
    expect((await refused(hub, 'crew', 'k-stolen', { token: pastReach })).message).toMatch(/future/);
    admin.close();
  } finally {
    await hub.close();
  }
}

describe('hardening: revocation outlives every token it revokes (memory engine)', () => {
  it('a revoked token is still refused after MESSAGE_TTL_SECONDS', () => revokedStaysRevoked({}), 20000);
});

describeRedis('hardening: revocation outlives every token it revokes (redis engine)', () => {
  it('a revoked token is still refused after MESSAGE_TTL_SECONDS', async () => {
    const redis = await startRedis();
    try {
      await revokedStaysRevoked({ REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix() });
    } finally {
      await redis.stop();
    }
  }, 20000);
});

describe('hardening: a production hub refuses a secret anyone knows', () => {
  const main = join(import.meta.dirname, '../dist/main.js');
  const boot = (env: Record<string, string>) =>
    spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH!, NODE_ENV: 'production', CORS_ORIGINS: '*', PORT: '0', ...env },
      encoding: 'utf8',
      // A hub that started (what this guards against) is killed, not drained.
      timeout: 10_000,
      killSignal: 'SIGKILL',
    });

  it('the development secret and the k8s placeholder: exit 78 with one line naming the setting', () => {
    for (const secret of [
      'orderwire-development-secret-do-not-use',
      'replace-with-at-least-32-random-characters',
    ]) {
      const run = boot({ JWT_SECRET: secret });
      expect(run.status).toBe(78);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^orderwire: refused in production: JWT_SECRET is /);
      expect(run.stdout).not.toContain('hub ready');
    }
    const metrics = boot({
      JWT_SECRET: randomBytes(32).toString('hex'),
      METRICS_TOKEN: 'replace-with-a-random-metrics-token',
    });
    expect([metrics.status, metrics.stderr]).toEqual([
      78,
      expect.stringContaining('METRICS_TOKEN is a value this repository ships'),
    ]);
  }, 60_000);
});

describe('hardening: production defaults', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub({ NODE_ENV: 'production', CORS_ORIGINS: 'http://console.test' });
  });
  afterAll(() => hub.close());
  const post = (token: string) =>
    request(hub.app.getHttpServer())
      .post('/api/v1/events')
      .set('Authorization', `Bearer ${token}`)
      .send(notification('r-2'));

  it('a service token without a scope claim is refused; tenants ["*"] names every tenant', async () => {
    const unscoped = await post(service({}));
    expect([unscoped.status, unscoped.body.error.code]).toEqual([401, 'UNAUTHORIZED']);
    expect(unscoped.body.error.message).toMatch(/needs a scope/);
    expect((await post(service({ tenants: ['*'] }))).status).toBe(202);
    expect((await post(service({ tenantId: 'r-2' }))).status).toBe(202);
  });

  it('/api/docs is off unless API_DOCS=true asks for it', async () => {
    expect((await fetch(`${hub.url}/api/docs/json`)).status).toBe(404);
    const docs = await startHub({ NODE_ENV: 'production', CORS_ORIGINS: '*', API_DOCS: 'true' });
    try {
      expect((await fetch(`${docs.url}/api/docs/json`)).status).toBe(200);
    } finally {
      await docs.close();
    }
  });
});

describe('hardening: /metrics', () => {
  it('in production it is served only with METRICS_TOKEN, and only to its bearer', async () => {
    const prod = { NODE_ENV: 'production', CORS_ORIGINS: 'http://console.test' };
    const closed = await startHub(prod);
    try {
      expect((await fetch(`${closed.url}/metrics`)).status).toBe(404);
    } finally {
      await closed.close();
    }
    const token = randomBytes(24).toString('hex'); // production refuses any token the repo ships
    const open = await startHub({ ...prod, METRICS_TOKEN: token });
    try {
      expect((await fetch(`${open.url}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${open.url}/metrics`, {
        headers: { Authorization: 'Bearer not-the-token' },
      });
      expect(wrong.status).toBe(401);
      const ok = await fetch(`${open.url}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('orderwire_connections');
    } finally {
      await open.close();
    }
  });

  it('per-tenant labels only with METRICS_TENANT_LABELS=true', async () => {
    for (const [flag, labelled] of [
      ['false', false],
      ['true', true],
    ] as const) {
      const hub = await startHub({ METRICS_TENANT_LABELS: flag });
      try {
        const crew = await connect(hub, 'crew', 'k-1', { tenantId: 'tenant-secret-name' });
        const text = await (await fetch(`${hub.url}/metrics`)).text();
        expect(text.includes('tenant-secret-name')).toBe(labelled);
        expect(text).toMatch(/orderwire_connections\{namespace="crew"/);
        crew.close();
      } finally {
        await hub.close();
      }
    }
  });
});

describeRedis('hardening: publishing while Redis is gone', () => {
  it('POST /api/v1/events answers 503 within 2 s (it used to hang 40 s and more)', async () => {
    const redis = await startRedis();
    const hub = await startHub({ REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix() });
    try {
      await redis.kill();
      await new Promise((r) => setTimeout(r, 300));
      for (let i = 0; i < 2; i++) {
        const started = Date.now();
        const res = await request(hub.app.getHttpServer())
          .post('/api/v1/events')
          .set('Authorization', `Bearer ${service({ sub: `svc-down-${i}` })}`)
          .send(notification());
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('1');
        expect(Date.now() - started).toBeLessThan(2000);
      }
    } finally {
      await hub.close();
      await redis.stop();
    }
  }, 20000);
});

describeRequiring(
  'hardening: native TLS',
  spawnSync('openssl', ['version']).error ? 'openssl is missing (apt-get install openssl)' : undefined,
  () => {
    /** A self-signed certificate for 127.0.0.1 made by openssl: `newkey` as `rsa:2048`, `ec` … */
    const certificate = (newkey: string[], digest = '-sha256'): { cert: string; key: string } => {
      const dir = mkdtempSync(join(tmpdir(), 'orderwire-tls-'));
      const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
      const made = spawnSync('openssl', [
        'req',
        '-x509',
        ...newkey,
        digest,
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ]);
      expect(made.status).toBe(0);
      return { cert, key };
    };
    const bootError = (files: { cert: string; key: string }): string => {
      try {
        loadConfig({ TLS_CERT_FILE: files.cert, TLS_KEY_FILE: files.key });
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    };

    it('refuses at boot a 1024-bit RSA key, a 224-bit EC key, a SHA-1 signature, a key of another certificate', () => {
      expect(bootError(certificate(['-newkey', 'rsa:1024']))).toMatch(/RSA of 1024 bits \(at least 2048\)/);
      expect(bootError(certificate(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp224r1']))).toMatch(
        /EC on secp224r1 \(at least 256 bits\)/,
      );
      expect(bootError(certificate(['-newkey', 'rsa:2048'], '-sha1'))).toMatch(/signed with SHA-1/);
      const [a, b] = [certificate(['-newkey', 'rsa:2048']), certificate(['-newkey', 'rsa:2048'])];
      expect(bootError({ cert: a.cert, key: b.key })).toMatch(/does not belong/);
      expect(bootError(a)).toBe('');
      expect(bootError(certificate(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']))).toBe('');
    });

    it('TLS 1.2 at least, forward-secret suites only; the boot log says https', async () => {
      const { cert, key } = certificate(['-newkey', 'rsa:2048']);
      const hub = await startHub({ TLS_CERT_FILE: cert, TLS_KEY_FILE: key });
      const ca = readFileSync(cert, 'utf8');
      const handshake = (options: Record<string, unknown>) =>
        new Promise<string>((resolve) => {
          const socket = tlsConnect(
            { host: '127.0.0.1', port: hub.port, ca, servername: undefined, ...options },
            () => {
              resolve(`${socket.getProtocol()} ${socket.getCipher().name}`);
              socket.end();
            },
          );
          socket.on('error', (err) => resolve(`refused: ${err.message}`));
        });
      try {
        expect(
          await handshake({ maxVersion: 'TLSv1.1', minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }),
        ).toMatch(/^refused/);
        expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA' })).toMatch(/^refused/);
        expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' })).toMatch(/^refused/);
        expect(await handshake({ maxVersion: 'TLSv1.2' })).toMatch(/^TLSv1\.2 ECDHE-RSA-/);
        expect(await handshake({})).toMatch(/^TLSv1\.3 /);
      } finally {
        await hub.close();
      }
      const child = await startChild(
        join(import.meta.dirname, '../dist/main.js'),
        {
          TLS_CERT_FILE: cert,
          TLS_KEY_FILE: key,
          PORT: '0',
          HOST: '127.0.0.1',
          JWT_SECRET: TEST_SECRET,
          LOG_FORMAT: 'json',
        },
        'hub ready on',
      );
      try {
        expect(child.output()).toMatch(/hub ready on https:\/\/127\.0\.0\.1:\d+ .*WebSocket path \/ws/);
      } finally {
        child.proc.kill('SIGKILL');
      }
    });

    it('TLS_CERT_FILE and TLS_KEY_FILE serve https and wss, with HSTS', async () => {
      const { cert, key } = certificate(['-newkey', 'rsa:2048']);
      const hub = await startHub({ TLS_CERT_FILE: cert, TLS_KEY_FILE: key });
      const ca = readFileSync(cert, 'utf8');
      try {
        const url = hub.url.replace('http:', 'https:');
        const res = await new Promise<{ status?: number; hsts?: string }>((resolve, reject) =>
          httpsRequest(`${url}/health/live`, { ca }, (r) => {
            r.resume();
            resolve({ status: r.statusCode, hsts: r.headers['strict-transport-security'] as string });
          })
            .on('error', reject)
            .end(),
        );
        expect(res.status).toBe(200);
        expect(res.hsts).toContain('max-age=31536000');
        const socket = io(`${url}/crew`, {
          path: '/ws',
          transports: ['websocket'],
          auth: { token: tokenFor('crew', 'k-tls') },
          ca,
          reconnection: false,
        } as Parameters<typeof io>[1]);
        const welcome = await new Promise<{ data: { user: { id: string } } }>((resolve, reject) => {
          socket.once('system.welcome', resolve);
          socket.once('connect_error', reject);
        });
        expect(welcome.data.user.id).toBe('k-tls');
        socket.close();
        // Plain HTTP on the TLS port gets nowhere.
        await expect(fetch(`${hub.url}/health/live`)).rejects.toBeDefined();
      } finally {
        await hub.close();
      }
    });
  },
);

describeRedis('hardening: personal data at rest (redis engine)', () => {
  /** Every string value under the prefix, as Redis holds it. */
  async function rawValues(url: string, prefix: string): Promise<string> {
    const { Redis } = await import('ioredis');
    const r = new Redis(url);
    try {
      const keys = await r.keys(`${prefix}:*`);
      const values: string[] = [];
      for (const key of keys) if ((await r.type(key)) === 'string') values.push((await r.get(key)) ?? '');
      return values.join('\n');
    } finally {
      r.disconnect();
    }
  }

  it('with DATA_ENCRYPTION_KEY, addresses and notes are sealed in Redis and read back whole', async () => {
    const redis = await startRedis();
    const key = Buffer.alloc(32, 9).toString('base64');
    const run = async (encryption: Record<string, string>): Promise<string> => {
      const prefix = redis.prefix();
      const hub = await startHub({ REDIS_URL: redis.url, REDIS_PREFIX: prefix, ...encryption });
      try {
        const crew = await connect(hub, 'crew', 'k-1');
        const customer = await connect(hub, 'customer', 'c-1');
        const { orderId } = await customer.ok('order.place', {
          items: [{ sku: 'burger', name: 'Burger', quantity: 1, unitPrice: 850 }],
          currency: 'EUR',
          fulfillment: 'delivery',
          deliveryAddress: { line1: '12 Secret Lane', city: 'Porto' },
          notes: 'ring twice, door code 4711',
        });
        const created = await crew.waitFor('order.created');
        expect(created.data.order).toMatchObject({ orderId, notes: 'ring twice, door code 4711' });
        // The log's copy, numbered in the script that stored the order after its body was sealed,
        // reads back whole, its number with it.
        const logged = await hub.app.get<MessageStore>(MESSAGE_STORE).get(created.tenantId, created.id);
        expect((logged?.envelope.data as { order: Order }).order).toMatchObject({
          orderId,
          orderNumber: (created.data.order as Order).orderNumber,
          notes: 'ring twice, door code 4711',
          deliveryAddress: { line1: '12 Secret Lane', city: 'Porto' },
        });
        // A reconnect reads the board and the log back from Redis.
        const again = await connect(hub, 'crew', 'k-2', { cursor: '0' });
        const board = again.of('order.board')[0].data as { orders: Array<{ deliveryAddress: unknown }> };
        expect(board.orders[0].deliveryAddress).toEqual({ line1: '12 Secret Lane', city: 'Porto' });
        for (const c of [crew, customer, again]) c.close();
        return await rawValues(redis.url, prefix);
      } finally {
        await hub.close();
      }
    };
    try {
      const sealed = await run({ DATA_ENCRYPTION_KEY: `k1:${key}` });
      expect(sealed).toContain('enc:v1:k1:');
      expect(sealed).toMatch(/^#1#enc:v1:k1:/m); // the order.created: its number, then the sealed body
      expect(sealed).not.toContain('Secret Lane');
      expect(sealed).not.toContain('door code');
      const clear = await run({});
      expect(clear).toContain('Secret Lane'); // what the README says Redis holds without a key
    } finally {
      await redis.stop();
    }
  }, 30000);

  it('a keyring that cannot open what Redis keeps refuses to start, naming the key id; rotation as documented starts', async () => {
    const redis = await startRedis();
    const prefix = redis.prefix();
    const [a, b, c] = [0, 1, 2].map(() => randomBytes(32).toString('base64'));
    const boot = async (keyring?: string, use = true): Promise<string> => {
      try {
        const hub = await startHub({
          REDIS_URL: redis.url,
          REDIS_PREFIX: prefix,
          ...(keyring ? { DATA_ENCRYPTION_KEY: keyring } : {}),
        });
        if (use) {
          const customer = await connect(hub, 'customer', 'c-1');
          await customer.ok('order.place', sampleOrder());
          customer.close();
        }
        await hub.close();
        return 'started';
      } catch (err) {
        return (err as Error).message;
      }
    };
    try {
      expect(await boot(`k1:${a}`)).toBe('started');
      // Restarted with another key under the same id, without the key, or without any key.
      expect(await boot(`k1:${b}`)).toMatch(
        /^DATA_ENCRYPTION_KEY: key k1 cannot open the data sealed with key id k1/,
      );
      expect(await boot(`k2:${c}`)).toMatch(
        /^DATA_ENCRYPTION_KEY: key k1 is not in the keyring, but data sealed with it may be kept until /,
      );
      expect(await boot()).toMatch(/^DATA_ENCRYPTION_KEY is unset, but data sealed with key k1 /);
      // Rotation: the new key first, the old one kept.
      expect(await boot(`k2:${c},k1:${a}`)).toBe('started');
      expect(await boot(`k2:${c}`)).toMatch(/key k1 is not in the keyring/);
      // Once everything sealed with k1 has expired (its last use moved back past the retention,
      // as time would), k1 may go.
      const { Redis } = await import('ioredis');
      const r = new Redis(redis.url);
      const entry = JSON.parse((await r.hget(`${prefix}:{${prefix}}:keyring:canary`, 'k1'))!) as { lastSealing: number };
      entry.lastSealing -= 31 * 86_400_000;
      await r.hset(`${prefix}:{${prefix}}:keyring:canary`, 'k1', JSON.stringify(entry));
      r.disconnect();
      // (Only started: the order placed above under k1 is, in this test, still there.)
      expect(await boot(`k2:${c}`, false)).toBe('started');
    } finally {
      await redis.stop();
    }
  }, 60000);

  it('the built hub refuses a wrong key at boot with exit 78 and one line', async () => {
    const redis = await startRedis();
    const prefix = redis.prefix();
    const env = (key: string) => ({
      PATH: process.env.PATH!,
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      PORT: '0',
      JWT_SECRET: TEST_SECRET,
      LOG_FORMAT: 'json',
      DATA_ENCRYPTION_KEY: `k1:${key}`,
    });
    try {
      const first = await startChild(
        join(import.meta.dirname, '../dist/main.js'),
        env(randomBytes(32).toString('base64')),
        'hub ready on',
      );
      first.proc.kill('SIGTERM');
      await first.exited;
      const run = spawnSync(process.execPath, [join(import.meta.dirname, '../dist/main.js')], {
        env: env(randomBytes(32).toString('base64')),
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(run.status).toBe(78);
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^orderwire: DATA_ENCRYPTION_KEY: key k1 cannot open/),
      ]);
    } finally {
      await redis.stop();
    }
  }, 60000);
});
