import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { RUNTIME, type Session } from '../session/session.js';
import { onCumulativeAck, OWED_MAX, owe, owedMessage, readAck } from './cumulative-acks.js';
import type { HubSocket } from './hub-server.js';

const socketOf = (acks: 'each' | 'cumulative'): HubSocket =>
  ({ data: { session: { acks, [RUNTIME]: {} } as unknown as Session } }) as unknown as HubSocket;
const envelope = (seq: number) => ['order.created', { cursor: `e:${seq}` }];

describe('cumulative acks on the socket side', () => {
  it('readAck takes { cursor, gaps? } and nothing else', () => {
    expect(readAck({ cursor: 'e:7' })).toEqual({ seq: 7 });
    expect(readAck({ cursor: 'e:7', gaps: ['e:3'] })).toEqual({ seq: 7, gaps: new Set(['e:3']) });
    for (const bad of [undefined, 'e:7', [], { cursor: 7 }, { cursor: 'e:x' }, { cursor: 'e:1', gaps: [''] }])
      expect(typeof readAck(bad)).toBe('string');
    expect(readAck(Object.create({ cursor: 'e:1' }) as unknown)).toMatch(/plain object/);
  });

  it('acknowledges what is owed at or below the cursor, except gaps, each once, in write order', () => {
    const socket = socketOf('cumulative');
    const acked: number[] = [];
    for (const [key, seq] of [
      [10, 1],
      [11, 2],
      [12, 3],
      [13, 5],
    ])
      owe(
        socket,
        owedMessage(envelope(seq), key, () => acked.push(seq))!,
      );
    owe(
      socket,
      owedMessage(envelope(2), undefined, () => acked.push(-2))!,
    ); // a replay's copy of seq 2
    expect(onCumulativeAck(socket, { cursor: 'e:3', gaps: ['e:2'] }, 0)).toBeUndefined();
    expect(acked).toEqual([1, 3]);
    expect(onCumulativeAck(socket, { cursor: 'e:9' }, 1)).toBeUndefined();
    expect(acked).toEqual([1, 3, 2, 5, -2]);
    expect(socket.data.session[RUNTIME].owed!.size).toBe(0);
  });

  it(`remembers at most ${OWED_MAX} owed messages per socket, the oldest forgotten first`, () => {
    const socket = socketOf('cumulative');
    for (let i = 0; i <= OWED_MAX; i++)
      owe(
        socket,
        owedMessage(envelope(i + 1), i, () => undefined)!,
      );
    const owed = socket.data.session[RUNTIME].owed!;
    expect(owed.size).toBe(OWED_MAX);
    expect(owed.keys().next().value).toBe(1);
  });

  it('100 ack events a second, then RATE_LIMITED once until the next second; ungranted sessions are refused', () => {
    const socket = socketOf('cumulative');
    const codes = Array.from(
      { length: 150 },
      (_, i) => onCumulativeAck(socket, { cursor: `e:${i}` }, 1000)?.code,
    );
    expect(codes.filter(Boolean)).toEqual(['RATE_LIMITED']);
    expect(codes.indexOf('RATE_LIMITED')).toBe(100);
    expect(onCumulativeAck(socket, { cursor: 'e:1' }, 2000)).toBeUndefined();
    expect(onCumulativeAck(socketOf('each'), { cursor: 'e:1' }, 0)?.code).toBe('VALIDATION_FAILED');
  });
});
