import { describe, expect, it } from '@jest/globals';
import { inspectShape, MAX_PAYLOAD_DEPTH } from './shape.js';

const nested = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

describe('inspectShape', () => {
  it('passes ordinary payloads', () => {
    expect(
      inspectShape({ items: [{ sku: 'a', quantity: 2 }], notes: 'constructor is fine as a value' }),
    ).toBe(undefined);
    expect(inspectShape(nested(MAX_PAYLOAD_DEPTH))).toBeUndefined();
    expect(inspectShape('text')).toBeUndefined();
  });

  it('refuses keys that reach a prototype, wherever they are, with their path', () => {
    expect(inspectShape(JSON.parse('{"data":{"__proto__":{"admin":true}}}'))).toEqual({
      field: 'data.__proto__',
      message: 'the key "__proto__" is refused',
    });
    expect(inspectShape({ to: { userIds: [{ constructor: { prototype: {} } }] } })?.field).toBe(
      'to.userIds.0.constructor',
    );
    expect(inspectShape({ prototype: 1 })?.field).toBe('prototype');
  });

  it('refuses binary values (Socket.IO attachments would dodge the frame size limit)', () => {
    expect(inspectShape({ notes: Buffer.alloc(4) })).toEqual({
      field: 'notes',
      message: 'binary values are refused',
    });
    expect(inspectShape([new Uint8Array(2)])?.field).toBe('0');
  });

  it('refuses nesting past the limit without recursing (6,000 levels)', () => {
    expect(inspectShape(nested(MAX_PAYLOAD_DEPTH + 1))?.message).toMatch(/deeper than 32/);
    const deep = JSON.parse('['.repeat(6000) + ']'.repeat(6000));
    expect(inspectShape(deep)?.message).toMatch(/deeper than 32/);
  });
});
