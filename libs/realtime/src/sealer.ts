import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';

/**
 * Encryption at rest for what the redis engine keeps of people (DATA_ENCRYPTION_KEY): AES-256-GCM
 * with a random 96-bit IV per value, sealed as `enc:v1:<kid>:<iv>:<tag>:<ciphertext>` (base64url).
 * The key id in every value lets keys rotate: the first key of the ring seals, any key of the ring
 * opens. Values without the prefix are read as they are, so a hub that turns encryption on still
 * reads what it wrote before. Without keys, sealing is the identity.
 */
export class Sealer {
  private readonly byId: Map<string, Buffer>;
  private readonly current?: { id: string; key: Buffer };

  constructor(keys: ReadonlyArray<{ id: string; key: Buffer }> = []) {
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.current = keys[0];
  }

  get enabled(): boolean {
    return this.current !== undefined;
  }

  seal(plain: string): string {
    if (!this.current) return plain;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${PREFIX}${this.current.id}:${iv.toString('base64url')}:${tag.toString('base64url')}:${ct.toString('base64url')}`;
  }

  /** The plain text of a sealed value (or the value itself when it was stored in clear). */
  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const [id, iv, tag, ct] = stored.slice(PREFIX.length).split(':');
    const key = this.byId.get(id);
    if (!key) throw new Error(`sealed with key "${id}", which DATA_ENCRYPTION_KEY no longer holds`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** `value` as JSON, sealed; undefined stays undefined. */
  sealJson(value: unknown): string | undefined {
    return value === undefined ? undefined : this.seal(JSON.stringify(value));
  }

  openJson<T>(stored: string): T {
    return JSON.parse(this.open(stored)) as T;
  }
}

/**
 * A keyring as DATA_ENCRYPTION_KEY gives it: `kid:base64key`, comma-separated; each key 32 bytes
 * (AES-256), ids unique. The hub and the services of its cluster read the same value. Throws a
 * message naming the setting, never the key.
 */
export function parseKeyring(
  raw: string,
  setting = 'DATA_ENCRYPTION_KEY',
): Array<{ id: string; key: Buffer }> {
  const keys = raw.split(',').map((entry) => {
    const [id, b64, extra] = entry.trim().split(':');
    const key = Buffer.from(b64 ?? '', 'base64');
    if (!id || !/^[A-Za-z0-9_-]{1,16}$/.test(id) || extra !== undefined || key.length !== 32) {
      throw new Error(
        `${setting}: expected kid:base64key[,kid:base64key…], each key 32 bytes (openssl rand -base64 32)`,
      );
    }
    return { id, key };
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length)
    throw new Error(`${setting}: key ids must be unique`);
  return keys;
}
