import { createHmac, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

/**
 * The HS256 secret every test hub of this process is started with: random, since a production
 * hub refuses any secret the repository ships (src/config/known-secrets.ts).
 */
export const TEST_SECRET = randomBytes(32).toString('hex');

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface MintOptions {
  alg?: 'HS256' | 'RS256' | 'none';
  secret?: string;
  privateKey?: KeyObject;
  /** Seconds from now; negative for an expired token. Default 600. */
  expiresIn?: number;
  omitExp?: boolean;
  /** The header's key id (a key set's `kid`). */
  kid?: string;
}

/** Signs a JWT by hand, so tests can also make the bad ones (alg none, wrong key, no exp). */
export function mintToken(claims: Record<string, unknown>, opts: MintOptions = {}): string {
  const alg = opts.alg ?? 'HS256';
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { iat: now, ...claims };
  if (!opts.omitExp && payload.exp === undefined) payload.exp = now + (opts.expiresIn ?? 600);
  const head = `${b64({ alg, typ: 'JWT', ...(opts.kid ? { kid: opts.kid } : {}) })}.${b64(payload)}`;
  if (alg === 'none') return `${head}.`;
  if (alg === 'RS256') {
    const signer = createSign('RSA-SHA256').update(head);
    return `${head}.${signer.sign(opts.privateKey!).toString('base64url')}`;
  }
  return `${head}.${createHmac('sha256', opts.secret ?? TEST_SECRET)
    .update(head)
    .digest('base64url')}`;
}

export function rsaKeys(): { publicPem: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
}

export type Role = 'customer' | 'crew' | 'admin';

export function tokenFor(
  role: Role,
  sub: string,
  tenantId = 'r-1',
  extra: Record<string, unknown> = {},
): string {
  return mintToken({ sub, role, tenantId, ...extra });
}
