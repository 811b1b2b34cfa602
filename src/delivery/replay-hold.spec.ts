import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { DurableType, Envelope } from '@orderwire/contracts';
import type { AppConfig } from '../config/app-config.js';
import type { Link } from '../session/link.js';
import { RUNTIME, type Session } from '../session/session.js';
import type { Connections } from '../transport/connections.js';
import { ReplayHold } from './replay-hold.js';

/** A connection as ReplayHold sees it (a Link): its id, session, rooms. */
const socket = (id: string, rooms: string[]): Link =>
  ({
    id,
    connected: true,
    session: { role: 'customer', [RUNTIME]: {} } as unknown as Session,
    inRoom: (room: string) => rooms.includes(room),
  }) as Link;
const message = (id: string): Envelope<DurableType> => ({ id }) as Envelope<DurableType>;

function holdWith(links: Link[], replayMax = 3): ReplayHold {
  const byId = new Map(links.map((l) => [l.id, l]));
  const connections = { link: (_role: string, id: string) => byId.get(id) } as unknown as Connections;
  return new ReplayHold(connections, { delivery: { replayMax } } as AppConfig);
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
    expect(a.session[RUNTIME].held).toBeUndefined();
  });

  it('queues at most REPLAY_MAX messages per socket, then flags it to catch up from its cursor', () => {
    const a = socket('a', ['u:1']);
    const hold = holdWith([a], 3);
    hold.begin(a);
    for (let i = 1; i <= 10; i++) hold.queue('customer', new Set(['u:1']), message(`m${i}`));
    expect(a.session[RUNTIME].held).toHaveLength(3);
    expect(hold.end(a, [])).toEqual({ queued: [], overflowed: true });
    // The flag goes with the hold: a later replay of the same socket starts clean.
    hold.begin(a);
    hold.queue('customer', new Set(['u:1']), message('m11'));
    expect(hold.end(a, [])).toEqual({ queued: [message('m11')], overflowed: false });
  });
});
