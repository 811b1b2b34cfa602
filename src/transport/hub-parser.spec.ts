import { describe, expect, it } from '@jest/globals';
import { Encoder, PacketType } from 'socket.io-parser';
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

  it('leaves packets with binary attachments, acks and control packets to socket.io-parser', () => {
    const binary = { type: PacketType.EVENT, nsp: '/crew', id: 1, data: ['x', { b: Buffer.from('ab') }] };
    expect(hub.encode({ ...binary })).toEqual(plain.encode({ ...binary }));
    expect(hub.encode({ ...binary })).toEqual(plain.encode({ ...binary }));
    const ack = { type: PacketType.ACK, nsp: '/crew', id: 4, data: [{ ok: true }] };
    expect(hub.encode(ack)).toEqual(plain.encode(ack));
    const connect = { type: PacketType.CONNECT, nsp: '/crew', data: { sid: 's' } };
    expect(hub.encode(connect)).toEqual(plain.encode(connect));
  });
});
