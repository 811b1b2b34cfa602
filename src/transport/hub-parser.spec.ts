import { describe, expect, it } from '@jest/globals';
import { Decoder, Encoder, type Packet, PacketType } from 'socket.io-parser';
import fc from 'fast-check';
import { keepJson, keptJson } from '../util/encoded-json.js';
import { decodeAck, HubDecoder, HubEncoder } from './hub-parser.js';

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

/** What a decoder makes of `str`: the packet it emits, or the error it throws. */
function decoded(decoder: Decoder, str: string): Packet | string {
  let out: Packet | string = 'nothing decoded';
  const onDecoded = (p: Packet): void => void (out = p);
  decoder.on('decoded', onDecoded);
  try {
    decoder.add(str);
  } catch (err) {
    out = `throws ${(err as Error).message}`;
  } finally {
    decoder.off('decoded', onDecoded);
  }
  return out;
}

describe('HubDecoder', () => {
  it('decodes acks exactly as socket.io-parser does', () => {
    const nsp = fc.constantFrom('/', '/crew', '/customer', '/admin');
    fc.assert(
      fc.property(nsp, fc.nat(), fc.array(fc.jsonValue(), { maxLength: 3 }), (n, id, data) => {
        const [str] = new Encoder().encode({ type: PacketType.ACK, nsp: n, id, data }) as string[];
        expect(decodeAck(str!)).toBeDefined();
        expect(decoded(new HubDecoder(), str!)).toEqual(decoded(new Decoder(), str!));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with socket.io-parser on any string, well-formed or not (what a hostile client may send)', () => {
    const ackish = fc
      .tuple(
        fc.constantFrom('3', '3/crew,', '3/', '3/crew', '2/crew,', '31', '3/crew,9'),
        fc.string({ unit: fc.constantFrom('0', '9', ',', '/', '[', ']', '{', '}', '"', ' ', '-', 'a') }),
      )
      .map(([head, tail]) => head + tail);
    fc.assert(
      fc.property(fc.oneof(ackish, fc.string()), (str) => {
        expect(decoded(new HubDecoder(), str)).toEqual(decoded(new Decoder(), str));
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves acks in unusual shapes to socket.io-parser', () => {
    for (const str of ['3/crew,', '3/crew,12', '3/crew, 5[]', '3/crew,12{}', '3/crew,1234567890123456[]']) {
      expect(decodeAck(str)).toBeUndefined();
    }
    expect(decodeAck('3/crew,12["a",1]')).toEqual({
      type: PacketType.ACK,
      nsp: '/crew',
      id: 12,
      data: ['a', 1],
    });
    expect(decodeAck('37[]')).toEqual({ type: PacketType.ACK, nsp: '/', id: 7, data: [] });
  });

  it('hands events and binary acks to socket.io-parser', () => {
    const event = '2/crew,4["order.place",{"a":1}]';
    expect(decoded(new HubDecoder(), event)).toEqual(decoded(new Decoder(), event));
    const hub = new HubDecoder();
    const packets: Packet[] = [];
    hub.on('decoded', (p: Packet) => packets.push(p));
    hub.add('61-/crew,5[{"_placeholder":true,"num":0}]');
    hub.add(Buffer.from('ab'));
    expect(packets).toEqual([{ type: PacketType.ACK, nsp: '/crew', id: 5, data: [Buffer.from('ab')] }]);
    // A plain ack while a binary packet waits for its attachments is refused, as by socket.io-parser
    // (its `reconstructor`, read by HubDecoder under the `ack-decoder` patch, whose boot check
    // looks for exactly this state: transport/patches.ts).
    for (const decoder of [new HubDecoder(), new Decoder()]) {
      decoder.add('61-/crew,5[{"_placeholder":true,"num":0}]');
      expect(decoded(decoder, '3/crew,6[]')).toBe('throws got plaintext data when reconstructing a packet');
    }
  });
});
