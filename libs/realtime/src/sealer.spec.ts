import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Sealer } from './sealer.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

describe('Sealer (AES-256-GCM at rest)', () => {
  it('seals to text that holds nothing of the plain text, and opens it again', () => {
    const s = new Sealer([k1]);
    const sealed = s.seal('1 Main St, Lisbon');
    expect(sealed).toMatch(/^enc:v1:k1:/);
    expect(sealed).not.toContain('Main');
    expect(s.seal('1 Main St, Lisbon')).not.toBe(sealed); // a fresh IV every time
    expect(s.open(sealed)).toBe('1 Main St, Lisbon');
  });

  it('rotates: a ring with a new first key opens what the old key sealed, and seals with the new one', () => {
    const old = new Sealer([k1]).seal('note');
    const rotated = new Sealer([k2, k1]);
    expect(rotated.open(old)).toBe('note');
    expect(rotated.seal('note')).toMatch(/^enc:v1:k2:/);
    expect(() => new Sealer([k2]).open(old)).toThrow(/key "k1"/);
  });

  it('refuses a tampered value, reads values stored in clear, and is the identity without keys', () => {
    const s = new Sealer([k1]);
    const sealed = s.seal('{"a":1}');
    const parts = sealed.split(':');
    parts[5] = Buffer.from('{"a":2}').toString('base64url');
    expect(() => s.open(parts.join(':'))).toThrow();
    expect(s.open('{"plain":true}')).toBe('{"plain":true}');
    expect(new Sealer().seal('x')).toBe('x');
    expect(new Sealer().enabled).toBe(false);
  });
});
