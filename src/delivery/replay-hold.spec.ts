import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { DurableType, Envelope } from '@orderwire/contracts';
import type { AppConfig } from '../config/app-config.js';
import { RUNTIME } from '../session/session.js';
import type { HubServer, HubSocket } from '../transport/hub-server.js';
import { ReplayHold } from './replay-hold.js';

const socket = (id: string, rooms: string[]): HubSocket =>
  ({
    id,
    rooms: new Set(rooms),
    connected: true,
    data: { session: { role: 'customer', [RUNTIME]: {} } },
  }) as never;
const message = (id: string): Envelope<DurableType> => ({ id }) as Envelope<DurableType>;

function holdWith(sockets: HubSocket[], replayMax = 3): ReplayHold {
  const nsp = { sockets: new Map(sockets.map((s) => [s.id, s])) };
  const server = { nsp: () => nsp } as unknown as HubServer;
  return new ReplayHold(server, { delivery: { replayMax } } as AppConfig);
}

describe('ReplayHold', () => {
  it('queues live messages for held sockets in their rooms, and returns them less what the replay carried', () => {
    const a = socket('a', ['u:1']);
    const b = socket('b', ['u:2']);
    const hold = holdWith([a, b]);
    hold.begin(a);
    expect([...hold.held('customer')]).toEqual(['a']);
    hold.queue('customer', new Set(['u:1']), message('m1'));
    hold.queue('customer', new Set(['u:2']), message('m2')); // b is not held
    hold.queue('customer', new Set(['t:x', 'u:1']), message('m3'));
    const { queued, overflowed } = hold.end(a, [message('m1')]);
    expect(queued.map((e) => e.id)).toEqual(['m3']);
    expect(overflowed).toBe(false);
    expect(hold.held('customer').size).toBe(0);
    expect(a.data.session[RUNTIME].held).toBeUndefined();
  });

  it('queues at most REPLAY_MAX messages per socket, then flags it to catch up from its cursor', () => {
    const a = socket('a', ['u:1']);
    const hold = holdWith([a], 3);
    hold.begin(a);
    for (let i = 1; i <= 10; i++) hold.queue('customer', new Set(['u:1']), message(`m${i}`));
    expect(a.data.session[RUNTIME].held).toHaveLength(3);
    expect(hold.end(a, [])).toEqual({ queued: [], overflowed: true });
    // The flag goes with the hold: a later replay of the same socket starts clean.
    hold.begin(a);
    hold.queue('customer', new Set(['u:1']), message('m11'));
    expect(hold.end(a, [])).toEqual({ queued: [message('m11')], overflowed: false });
  });
});
