import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configWarnings, KNOWN_SETTINGS, unknownSettings } from './config-warnings.js';
import { withEnvFile } from './env-file.js';
import { ConfigError, DEV_JWT_SECRET, loadConfig } from './load-config.js';

/** A secret of this run's: production refuses any the repository ships (known-secrets.ts). */
const REAL = randomBytes(32).toString('hex');

describe('loadConfig', () => {
  it('defaults to the memory engine on :8080 with the development secret outside production', () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(8080);
    expect(c.ws.path).toBe('/ws');
    expect(c.engine.kind).toBe('memory');
    expect(c.jwt).toMatchObject({ algorithm: 'HS256', key: DEV_JWT_SECRET, insecureDevSecret: true });
    expect(c.delivery).toMatchObject({ maxAttempts: 5, backoffMs: 1000, messageTtlMs: 86_400_000 });
    expect(c.limits).toMatchObject({
      messageBytes: 16384,
      commandsPerSecond: 20,
      commandBurst: 40,
      sessionsPerUser: 10,
    });
  });

  it('fails fast, naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DELIVERY_MAX_ATTEMPTS: '0' })).toThrow(/DELIVERY_MAX_ATTEMPTS/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ JWT_ALGORITHM: 'RS256' })).toThrow(/JWT_PUBLIC_KEY/);
  });

  it('pins RS256 with a public key and picks the redis engine with REDIS_URL', () => {
    const c = loadConfig({
      JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nabc',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(c.jwt.algorithm).toBe('RS256');
    expect(c.jwt.key).toContain('\n');
    const url = 'redis://127.0.0.1:6379';
    expect(c.engine).toMatchObject({
      kind: 'redis',
      redisUrls: { store: url, queues: url, adapter: url, sessions: url },
      prefix: 'orderwire',
    });
    expect(c.engine.nodeId).toMatch(/^node-[0-9a-f]{10}$/);
  });

  it('sends queues, the adapter and sessions to Redis instances of their own; refuses them without REDIS_URL', () => {
    const c = loadConfig({
      REDIS_URL: 'redis://store:6379',
      REDIS_QUEUES_URL: 'redis://queues:6379/1',
      REDIS_SESSIONS_URL: 'rediss://:secret@sessions:6380',
    });
    expect(c.engine.redisUrls).toEqual({
      store: 'redis://store:6379',
      queues: 'redis://queues:6379/1',
      adapter: 'redis://store:6379',
      sessions: 'rediss://:secret@sessions:6380',
    });
    expect(() => loadConfig({ REDIS_ADAPTER_URL: 'redis://adapter:6379' })).toThrow(
      /REDIS_ADAPTER_URL: the redis engine's; set REDIS_URL too/,
    );
    expect(() => loadConfig({ REDIS_URL: 'redis://a:1', REDIS_QUEUES_URL: 'http://q:1' })).toThrow(
      /REDIS_QUEUES_URL/,
    );
  });

  it('takes a primary behind Sentinel for any Redis role; refuses a malformed one without echoing it', () => {
    const sentinel = 'redis+sentinel://:pw@s1:26379,s2:26379,s3:26379/orders';
    const c = loadConfig({ REDIS_URL: sentinel, REDIS_QUEUES_URL: 'rediss+sentinel://q1,q2/queues/1' });
    expect(c.engine.redisUrls).toMatchObject({ store: sentinel, queues: 'rediss+sentinel://q1,q2/queues/1' });
    const refused = (env: Record<string, string>): string => {
      try {
        loadConfig(env);
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused({ REDIS_URL: 'redis+sentinel://:hunter2@s1,s2' })).toMatch(
      /REDIS_URL: the primary name is missing/,
    );
    expect(
      refused({ REDIS_URL: 'redis://a:1', REDIS_SESSIONS_URL: 'redis+sentinel://:hunter2@bad host/m' }),
    ).toMatch(/REDIS_SESSIONS_URL: sentinel 1 of 1: the host is not a host name/);
    expect(refused({ REDIS_URL: 'redis+sentinel://:hunter2@s1/m?retry=1' })).not.toContain('hunter2');
  });

  it('reads lists', () => {
    expect(
      loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example', WS_TRANSPORTS: 'polling' }),
    ).toMatchObject({
      http: { corsOrigins: ['https://a.example', 'https://b.example'] },
      ws: { transports: ['polling'] },
    });
  });

  it('production refuses CORS_ORIGINS unset and DEV_TOKENS; DEV_TOKENS defaults on only with the dev secret', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: REAL };
    expect(() => loadConfig(prod)).toThrow(/CORS_ORIGINS: required in production/);
    expect(() => loadConfig({ ...prod, CORS_ORIGINS: '*', DEV_TOKENS: 'true' })).toThrow(/DEV_TOKENS/);
    expect(loadConfig({ ...prod, CORS_ORIGINS: 'https://shop.example' }).devTokens).toBe(false);
    expect(loadConfig({}).devTokens).toBe(true); // the built-in dev secret, memory engine
    expect(loadConfig({ JWT_SECRET: REAL }).devTokens).toBe(false);
    expect(loadConfig({ JWT_SECRET: REAL, DEV_TOKENS: 'true' }).devTokens).toBe(true);
  });

  it('CONSOLE_TOKEN_URL is a path on this origin or an https URL, nothing else (abuse: scripts, clear text, hosts)', () => {
    expect(loadConfig({ CONSOLE_TOKEN_URL: '/auth/orderwire-token' }).consoleTokenUrl).toBe(
      '/auth/orderwire-token',
    );
    expect(loadConfig({ CONSOLE_TOKEN_URL: 'https://login.example/token?aud=hub' }).consoleTokenUrl).toBe(
      'https://login.example/token?aud=hub',
    );
    for (const bad of [
      'javascript:alert(1)',
      'http://login.example/token',
      '//evil.example/token',
      'https://',
      'data:text/plain,x',
      'token',
    ]) {
      expect(() => loadConfig({ CONSOLE_TOKEN_URL: bad })).toThrow(/CONSOLE_TOKEN_URL/);
    }
  });

  it('CATALOG_REQUIRED defaults on in production and off elsewhere; either may be set', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: REAL, CORS_ORIGINS: '*' };
    expect(loadConfig(prod).menu).toEqual({ required: true, maxBytes: 256 * 1024, maxTenants: 10_000 });
    expect(loadConfig({ ...prod, CATALOG_REQUIRED: 'false' }).menu.required).toBe(false);
    expect(loadConfig({}).menu.required).toBe(false);
    expect(loadConfig({ CATALOG_REQUIRED: 'true' }).menu.required).toBe(true);
    expect(() => loadConfig({ MENU_MAX_BYTES: '1000' })).toThrow(/MENU_MAX_BYTES/);
  });

  it('accepts the seeds WS_PORT and WS_HOST for PORT and HOST, and refuses a disagreement', () => {
    expect(loadConfig({ WS_PORT: '9090', WS_HOST: '127.0.0.1' }).http).toMatchObject({
      port: 9090,
      host: '127.0.0.1',
    });
    expect(() => loadConfig({ WS_PORT: '9090', PORT: '8080' })).toThrow(
      /WS_PORT=9090 and PORT=8080 disagree/,
    );
  });

  it('reads the token lifetimes, TLS files (both or neither) and the encryption keyring', () => {
    const c = loadConfig({ MAX_TOKEN_TTL_SECONDS: '3600' });
    expect(c.jwt.maxTokenTtlMs).toBe(3_600_000);
    expect(c.jwt.maxServiceTokenTtlMs).toBe(30 * 86_400_000);
    expect(() => loadConfig({ TLS_CERT_FILE: 'cert.pem' })).toThrow(/both or neither/);
    const key = Buffer.alloc(32, 7).toString('base64');
    const ring = loadConfig({ DATA_ENCRYPTION_KEY: `k2:${key},k1:${key}` }).encryption!.keys;
    expect(ring.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(() => loadConfig({ DATA_ENCRYPTION_KEY: 'k1:short' })).toThrow(/32 bytes/);
    expect(() => loadConfig({ DATA_ENCRYPTION_KEY: `k1:${key},k1:${key}` })).toThrow(/unique/);
  });

  it('warns about misspelt and unknown settings of ours, never about the rest of the environment', () => {
    expect(
      unknownSettings({ JWT_SECRT: 'x', ORDERWIRE_MODE: 'y', PATH: '/bin', HOME: '/root', PORT: '1' }),
    ).toEqual([{ name: 'JWT_SECRT', near: 'JWT_SECRET' }, { name: 'ORDERWIRE_MODE' }]);
    const lines = configWarnings(loadConfig({ DEV_TOKENS: 'true' }), { RATE_COMAND_BURST: '5' });
    expect(lines).toEqual(
      expect.arrayContaining([
        'unknown setting RATE_COMAND_BURST (did you mean RATE_COMMAND_BURST?): ignored',
        expect.stringMatching(/^DEV_TOKENS is on: POST \/dev\/token mints tokens/),
        expect.stringMatching(/built-in development secret/),
      ]),
    );
  });

  it('reads an env file under the environment (the environment wins); a named ENV_FILE must exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderwire-env-'));
    const file = join(dir, 'hub.env');
    writeFileSync(file, 'JWT_SECRET="from-the-file-0123456789"\nPORT=9000\n# a comment\n');
    const { env, file: read } = withEnvFile({ ENV_FILE: file, PORT: '7000' });
    expect(read).toBe(file);
    expect(env).toMatchObject({ JWT_SECRET: 'from-the-file-0123456789', PORT: '7000' });
    expect(loadConfig(env).jwt.insecureDevSecret).toBe(false);
    expect(() => withEnvFile({ ENV_FILE: join(dir, 'missing.env') })).toThrow(/does not exist/);
    expect(withEnvFile({ HOME: '/root' }).file).toBeUndefined(); // no .env in the working directory
  });
});

describe('.env.example', () => {
  it('lists every setting the hub reads (a setting missing from it is undocumented)', () => {
    const example = readFileSync(join(process.cwd(), '.env.example'), 'utf8');
    const listed = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    // WS_PORT and WS_HOST are aliases of PORT and HOST: named in the comment above those, not set.
    const missing = [...KNOWN_SETTINGS].filter((k) => !listed.has(k) && k !== 'WS_PORT' && k !== 'WS_HOST');
    expect(missing).toEqual([]);
    expect(example).toMatch(/^# .*WS_PORT and WS_HOST/m);
    expect([...listed].filter((k) => !KNOWN_SETTINGS.has(k))).toEqual([]);
  });
});
