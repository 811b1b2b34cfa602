import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { keyWeakness, secretWeakness, SHIPPED_SECRETS } from './known-secrets.js';
import { DEV_JWT_SECRET, loadConfig } from './load-config.js';

const ROOT = join(import.meta.dirname, '../..');

/** Every file of the repository that may show a secret's value to a reader. */
function shippedFiles(): string[] {
  const skip = new Set(['node_modules', 'dist', '.git', 'results', 'coverage']);
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (skip.has(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|tsx|mjs|cjs|js|json|ya?ml|md|conf|example|sh|env)$|^Dockerfile$|^run$/.test(name)) {
        if (name !== 'package-lock.json') out.push(path);
      }
    }
  };
  for (const top of readdirSync(ROOT)) {
    if (skip.has(top)) continue;
    const path = join(ROOT, top);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(md|ya?ml|example|json|js|mjs)$|^Dockerfile$/.test(top)) out.push(path);
  }
  return out;
}

/**
 * The values these files give to a secret: `JWT_SECRET=…`, `METRICS_TOKEN: …`, `secret: '…'`,
 * `const TEST_SECRET = '…'`, `… || '…'` after a secret's name, a webhook's `"secret":"…"`.
 * Shell and template expansions (`$…`) are not values.
 */
function shippedValues(): Array<{ file: string; value: string }> {
  const name = String.raw`(?:[A-Z_]*(?:SECRET|TOKEN)[A-Z_]*|secret|metricsToken)`;
  const quoted = new RegExp(
    String.raw`\b${name}['"]?\s*(?:[:=]|\|\|)\s*['"\x60]([^'"\x60\s$]{8,})['"\x60]`,
    'g',
  );
  const bare = new RegExp(
    String.raw`(?:^|\s|export\s)((?:JWT_SECRET|METRICS_TOKEN|DATA_ENCRYPTION_KEY))\s*[:=]\s*([^\s'"$#{}]{8,})`,
    'gm',
  );
  const found: Array<{ file: string; value: string }> = [];
  for (const path of shippedFiles()) {
    const text = readFileSync(path, 'utf8');
    const file = relative(ROOT, path);
    // A path or URL (CONSOLE_TOKEN_URL) is not a secret.
    for (const m of text.matchAll(quoted)) if (!/^(\/|https?:)/.test(m[1])) found.push({ file, value: m[1] });
    // Unquoted values are read in settings, manifests and prose, not in code.
    if (/\.(ts|mjs|cjs|js)$/.test(file)) continue;
    for (const m of text.matchAll(bare)) found.push({ file, value: m[2] });
  }
  return found;
}

describe('known secrets', () => {
  it('every secret value the repository ships is refused (a new placeholder cannot slip in)', () => {
    const found = shippedValues();
    // The scan finds what it must: the dev secret, the k8s placeholders, the test secret.
    const values = new Set(found.map((f) => f.value));
    for (const v of [
      DEV_JWT_SECRET,
      'replace-with-at-least-32-random-characters',
      'replace-with-a-random-metrics-token',
      'a-webhook-secret-of-at-least-32-chars',
    ]) {
      expect([v, values.has(v)]).toEqual([v, true]);
    }
    const accepted = found.filter(({ value }) => !secretWeakness(value));
    expect(accepted).toEqual([]);
  });

  it('every listed value is refused, whatever its case', () => {
    for (const s of SHIPPED_SECRETS) {
      expect([s, secretWeakness(s)]).toEqual([s, expect.any(String)]);
      expect(secretWeakness(s.toUpperCase())).toBeDefined();
    }
  });

  it('low-entropy secrets are refused; random ones are not', () => {
    for (const weak of [
      'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'abcabcabcabcabcabcabcabcabcabcab',
      'passwordpasswordpassword',
      '12345678901234567890123456789012',
      'letmeinletmein12',
      'my-super-secret-change_me-please',
    ]) {
      expect([weak, secretWeakness(weak)]).toEqual([weak, expect.any(String)]);
    }
    for (let i = 0; i < 200; i++) {
      const hex = randomBytes(32).toString('hex');
      const b64 = randomBytes(24).toString('base64');
      expect([hex, secretWeakness(hex)]).toEqual([hex, undefined]);
      expect([b64, secretWeakness(b64)]).toEqual([b64, undefined]);
    }
  });

  it('encryption keys of zeros or a repeated unit are refused; random ones are not', () => {
    const zeros = Buffer.alloc(32);
    expect(keyWeakness(zeros.toString('base64'), zeros)).toBeDefined();
    const unit = Buffer.from('0123456789abcdef0123456789abcdef');
    expect(keyWeakness(unit.toString('base64'), unit)).toBeDefined();
    for (let i = 0; i < 200; i++) {
      const key = randomBytes(32);
      expect(keyWeakness(key.toString('base64'), key)).toBeUndefined();
    }
  });
});

describe('a production hub refuses a secret anyone knows', () => {
  const real = (): string => randomBytes(32).toString('hex');
  const prod = (env: Record<string, string>): Record<string, string> => ({
    NODE_ENV: 'production',
    CORS_ORIGINS: '*',
    JWT_SECRET: real(),
    ...env,
  });
  const hook = (secret: string): string =>
    JSON.stringify([{ id: 'pos', url: 'https://pos.test/hook', secret, commands: ['order.place'] }]);

  it('the development secret, the k8s placeholder and a low-entropy secret, each named in one line', () => {
    for (const [env, setting] of [
      [{ JWT_SECRET: DEV_JWT_SECRET }, 'JWT_SECRET'],
      [{ JWT_SECRET: 'replace-with-at-least-32-random-characters' }, 'JWT_SECRET'],
      [{ JWT_SECRET: 'x'.repeat(40) }, 'JWT_SECRET'],
      [{ METRICS_TOKEN: 'replace-with-a-random-metrics-token' }, 'METRICS_TOKEN'],
      [{ METRICS_TOKEN: 'change-me-metrics-token' }, 'METRICS_TOKEN'],
      [{ WEBHOOKS: hook('0'.repeat(32)) }, "webhook pos's secret"],
      [{ DATA_ENCRYPTION_KEY: `k1:${Buffer.alloc(32).toString('base64')}` }, 'DATA_ENCRYPTION_KEY k1'],
    ] as const) {
      let message = '';
      try {
        loadConfig(prod(env));
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain(`refused in production: ${setting} is`);
      expect(message.split('\n')).toHaveLength(1);
    }
  });

  it('random values start; outside production a weak secret is only warned about', () => {
    const key = randomBytes(32).toString('base64');
    const config = loadConfig(
      prod({ METRICS_TOKEN: real(), WEBHOOKS: hook(real()), DATA_ENCRYPTION_KEY: `k1:${key}` }),
    );
    expect(config.weakSecrets).toEqual([]);
    const dev = loadConfig({ JWT_SECRET: 'replace-with-at-least-32-random-characters' });
    expect(dev.weakSecrets).toEqual([{ setting: 'JWT_SECRET', reason: expect.stringContaining('ships') }]);
  });
});
