import { describe, expect, it } from '@jest/globals';
import { ConfigError, DEV_JWT_SECRET, loadConfig } from './load-config.js';

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
    expect(c.engine).toMatchObject({
      kind: 'redis',
      redisUrl: 'redis://127.0.0.1:6379',
      prefix: 'orderwire',
    });
    expect(c.engine.nodeId).toMatch(/^node-[0-9a-f]{10}$/);
  });

  it('reads lists', () => {
    expect(
      loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example', WS_TRANSPORTS: 'polling' }),
    ).toMatchObject({
      http: { corsOrigins: ['https://a.example', 'https://b.example'] },
      ws: { transports: ['polling'] },
    });
  });
});
