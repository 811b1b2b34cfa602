import { describe, expect, it } from '@jest/globals';
import { Encoder, PacketType } from 'socket.io-parser';
import fc from 'fast-check';
import { keepJson, keptJson } from '../util/encoded-json.js';
import { HubEncoder } from './hub-parser.js';

describe('HubEncoder', () => {
  const plain = new Encoder();
  const hub = new HubEncoder();
  const envelope = { id: '01J', type: 'order.created', data: { order: { notes: 'ü "q"' } }, tenantId: 't' };

  it('writes exactly what socket.io-parser writes, for every namespace and ack id of one argument array', () => {
    const args = ['order.created', envelope];
    for (const [nsp, id] of [
      ['/customer', 7],
      ['/crew', 12],
      ['/crew', undefined],
      ['/', 3],
      ['/admin', 0],
    ] as const) {
      const packet = { type: PacketType.EVENT, nsp, id, data: args };
      expect(hub.encode({ ...packet })).toEqual(plain.encode({ ...packet }));
    }
  });

  it('writes acks and events of any JSON exactly as socket.io-parser does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(PacketType.EVENT, PacketType.ACK),
        fc.constantFrom('/', '/crew', '/customer'),
        fc.option(fc.nat(), { nil: undefined }),
        fc.array(fc.jsonValue(), { minLength: 1, maxLength: 3 }),
        (type, nsp, id, data) => {
          const packet = { type, nsp, id, data };
          expect(hub.encode({ ...packet, data: [...data] })).toEqual(
            plain.encode({ ...packet, data: [...data] }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('writes an envelope with kept JSON (the memory store made it) as socket.io-parser would', () => {
    const stored = structuredClone(envelope);
    keepJson(stored);
    const packet = { type: PacketType.EVENT, nsp: '/crew', id: 9, data: ['order.created', stored] };
    expect(hub.encode({ ...packet, data: [...packet.data] })).toEqual(
      plain.encode({ ...packet, data: ['order.created', structuredClone(envelope)] }),
    );
    // Kept JSON freezes the envelope: a later change would make it wrong, so it throws.
    expect(() => {
      (stored as { tenantId: string }).tenantId = 'other';
    }).toThrow(TypeError);
    // A copy does not carry it.
    expect(keptJson({ ...stored })).toBeUndefined();
  });

  it('searches no packet for binary (the hub sends JSON only; inputs with binary are refused): a Buffer is written as its JSON', () => {
    const binary = { type: PacketType.EVENT, nsp: '/crew', id: 1, data: ['x', { b: Buffer.from('ab') }] };
    expect(hub.encode({ ...binary })).toEqual([`2/crew,1${JSON.stringify(binary.data)}`]);
  });

  it('leaves control packets to socket.io-parser', () => {
    const connect = { type: PacketType.CONNECT, nsp: '/crew', data: { sid: 's' } };
    expect(hub.encode(connect)).toEqual(plain.encode(connect));
    const error = {
      type: PacketType.CONNECT_ERROR,
      nsp: '/crew',
      data: { message: 'no', data: { code: 'X' } },
    };
    expect(hub.encode(error)).toEqual(plain.encode(error));
  });
});
