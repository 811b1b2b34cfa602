import 'reflect-metadata';
import { describe, expect, it, jest } from '@jest/globals';
import { FIRST_RETRY, message, policyPerTest, toCustomers } from './delivery-policy.fake.js';

/** A socket's usual acknowledgement time holds back retries of copies younger than it (ack-time.ts). */
describe('DeliveryPolicy and each socket’s acknowledgement time', () => {
  const t = policyPerTest();

  /** `count` messages, one at a time, each acknowledged `ackMs` after it was written. */
  async function slowAcks(socketId: string, count: number, ackMs: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const m = message();
      ids.push(m.id);
      t.policy.fanOut(m, toCustomers, Date.now());
      await jest.advanceTimersByTimeAsync(ackMs);
      // Every copy it got, oldest first, as a client does (a copy left owing would hold back later retries).
      for (const packetId of [...t.writer.sockets.get(socketId)!.owed.keys()])
        t.writer.ack(socketId, packetId);
      await jest.advanceTimersByTimeAsync(3000); // quiet between messages: nothing else acked
    }
    return ids;
  }

  it('a socket that always acknowledges after 1.5 s gets one copy of each message once it has a measure', async () => {
    const s = t.writer.add('s1', 'customer', 'c-1');
    const ids = await slowAcks('s1', 5, 1500);
    // The first message comes before any measure: quiet for the backoff, it is sent again (as
    // before); its first copy's ack is the measure, and from then on its copies are younger
    // than its usual 1.5 s and are left alone.
    expect(s.got).toEqual([ids[0], ids[0], ...ids.slice(1)]);
    expect(t.policy.pendingCount).toBe(0);
    expect(t.port.letters).toEqual([]);
  });

  it('a socket not measured yet is taken to be as slow as the node’s others (a new one on a busy node)', async () => {
    t.writer.add('s1', 'customer', 'c-1');
    await slowAcks('s1', 5, 1500); // the node's sockets take 1.5 s
    const fresh = t.writer.add('s2', 'customer', 'c-2');
    const m = message();
    t.policy.fanOut(m, toCustomers, Date.now());
    t.writer.ack('s1'); // s1 acks at once; s2, new here, takes its time
    await jest.advanceTimersByTimeAsync(FIRST_RETRY);
    expect(fresh.got).toEqual([m.id]);
    expect(fresh.tracking.ackSrttMs).toBeUndefined();
  });

  it('without the measure (a fast socket) a quiet one is retried after the backoff as before', async () => {
    const s = t.writer.add('s1', 'customer', 'c-1');
    await slowAcks('s1', 3, 10);
    const m = message();
    t.policy.fanOut(m, toCustomers, Date.now());
    await jest.advanceTimersByTimeAsync(FIRST_RETRY);
    expect(s.got.filter((id) => id === m.id)).toHaveLength(2);
  });

  it('the acknowledgement of a retried copy is not a measure (it names the retry’s packet)', async () => {
    const s = t.writer.add('s1', 'customer', 'c-1');
    const m = message();
    t.policy.fanOut(m, toCustomers, Date.now());
    await jest.advanceTimersByTimeAsync(FIRST_RETRY); // retried: attempt 2
    await jest.advanceTimersByTimeAsync(20_000);
    // The client acks only the retry (its handler failed on the first copy), 21 s after the first
    // write: as a measure, it would make every later retry wait.
    t.writer.ack('s1', 1);
    expect(s.tracking.ackSrttMs).toBeUndefined();
    // The failed first copy is owed no more: left owing, it would hold back every later retry.
    expect(s.owed.size).toBe(0);
    const next = message();
    t.policy.fanOut(next, toCustomers, Date.now());
    await jest.advanceTimersByTimeAsync(FIRST_RETRY);
    expect(s.got.filter((id) => id === next.id)).toHaveLength(2);
  });

  it('abuse: a socket that acked slowly, then stops acknowledging, still ends in the dead letters', async () => {
    const s = t.writer.add('s1', 'customer', 'c-1');
    await slowAcks('s1', 3, 20_000); // its usual time: about a minute, the cap
    const m = message();
    t.policy.fanOut(m, toCustomers, Date.now());
    await jest.advanceTimersByTimeAsync(FIRST_RETRY); // held back, but the attempt counts
    expect(t.port.retries.filter(([id]) => id === m.id)).toHaveLength(1);
    expect(s.got.filter((id) => id === m.id)).toHaveLength(1);
    await t.policy.redeliver(m.id); // attempt 3, held back again
    await t.policy.redeliver(m.id); // attempts used up
    expect(t.port.letters).toEqual([expect.objectContaining({ messageId: m.id, attempts: 3 })]);
    expect(t.policy.pendingCount).toBe(0);
  });

  it('measures by this node’s clock: a publish time from a node whose clock is ahead changes nothing', async () => {
    const s = t.writer.add('s1', 'customer', 'c-1');
    for (let i = 0; i < 3; i++) {
      const m = message();
      t.policy.fanOut(m, toCustomers, Date.now() + 3_600_000); // another node's clock, an hour ahead
      await jest.advanceTimersByTimeAsync(50);
      t.writer.ack('s1');
    }
    expect(s.tracking.ackSrttMs).toBeCloseTo(50, 0);
  });
});
