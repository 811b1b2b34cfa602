import 'reflect-metadata';
import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { DeliveryPolicy } from './delivery-policy.js';
import {
  FakeWriter,
  FIRST_RETRY,
  message,
  policyPerTest,
  toCustomers,
  type FakePort,
} from './delivery-policy.fake.js';

describe('DeliveryPolicy', () => {
  const t = policyPerTest();
  let writer: FakeWriter;
  let port: FakePort;
  let policy: DeliveryPolicy;
  beforeEach(() => void ({ writer, port, policy } = t));

  it('writes once per addressed socket; every user acking ends the message, with no retry', async () => {
    const a = writer.add('s1', 'customer', 'c-1');
    const b = writer.add('s2', 'customer', 'c-2');
    writer.add('k1', 'crew', 'k-1'); // another namespace, not addressed
    const m = message();
    policy.fanOut(m, toCustomers, Date.now());
    expect([a.got, b.got]).toEqual([[m.id], [m.id]]);
    writer.ack('s1');
    expect(policy.pendingCount).toBe(1);
    writer.ack('s2');
    expect(policy.pendingCount).toBe(0);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(a.got).toEqual([m.id]);
    expect(writer.sockets.get('k1')!.got).toEqual([]);
  });

  it('retries after 1 s from a local timer, then through the job scheduler with doubling delays, then dead-letters', async () => {
    const s = writer.add('s1', 'customer', 'c-1');
    const m = message();
    policy.fanOut(m, toCustomers, Date.now());
    await jest.advanceTimersByTimeAsync(999);
    expect(s.got).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(FIRST_RETRY - 999);
    expect(s.got).toHaveLength(2); // the socket has been quiet for the backoff: it gets it again
    expect(port.retries).toEqual([[m.id, 2000]]);
    await jest.advanceTimersByTimeAsync(2000);
    await policy.redeliver(m.id); // the job runs
    expect(s.got).toHaveLength(3);
    expect(port.retries).toEqual([
      [m.id, 2000],
      [m.id, 4000],
    ]);
    await policy.redeliver(m.id); // attempts are used up
    expect(port.letters).toEqual([
      expect.objectContaining({
        messageId: m.id,
        recipients: ['c-1'],
        userKeys: ['customer|r-1|c-1'],
        attempts: 3,
      }),
    ]);
    expect(policy.pendingCount).toBe(0);
    expect(s.owed.size).toBe(0); // every stale ack callback dropped
  });

  it('does not resend to a socket that still owes an ack for something older (its copy is on the way)', async () => {
    const s = writer.add('s1', 'customer', 'c-1');
    const older = message();
    const m = message();
    policy.fanOut(older, toCustomers, Date.now());
    policy.fanOut(m, toCustomers, Date.now());
    await jest.advanceTimersByTimeAsync(FIRST_RETRY);
    // Both were due; `older` is first in line and resent, `m` waits behind it (attempt counted).
    expect(s.got).toEqual([older.id, m.id, older.id]);
    expect(port.retries.map(([id]) => id).sort()).toEqual([m.id, older.id].sort());
  });

  it('does not resend to a socket that acked within the backoff but nothing written after the copy', async () => {
    const s = writer.add('s1', 'customer', 'c-1');
    const first = message();
    const m = message();
    policy.fanOut(first, toCustomers, Date.now());
    policy.fanOut(m, toCustomers, Date.now());
    await jest.advanceTimersByTimeAsync(900);
    writer.ack('s1', 0); // works through its backlog: acks `first`, 100 ms before m's retry
    await jest.advanceTimersByTimeAsync(FIRST_RETRY - 900);
    expect(s.got).toEqual([first.id, m.id]);
  });

  it('resends at once to a socket that acked later messages (its handler failed on this one)', async () => {
    const s = writer.add('s1', 'customer', 'c-1');
    const m = message();
    const later = message();
    policy.fanOut(m, toCustomers, Date.now());
    policy.fanOut(later, toCustomers, Date.now());
    writer.ack('s1', 1); // acks `later`, never `m`
    await jest.advanceTimersByTimeAsync(FIRST_RETRY);
    expect(s.got).toEqual([m.id, later.id, m.id]);
  });

  it('stops retrying a user who went offline (their replay brings it), without a dead letter', async () => {
    writer.add('s1', 'customer', 'c-1');
    const m = message();
    policy.fanOut(m, toCustomers, Date.now());
    writer.sockets.delete('s1');
    await jest.advanceTimersByTimeAsync(FIRST_RETRY);
    expect(policy.pendingCount).toBe(0);
    expect(port.letters).toEqual([]);
  });

  it("one session's ack counts for the user and drops the other sessions' ack callbacks", () => {
    const a = writer.add('s1', 'customer', 'c-1');
    const b = writer.add('s2', 'customer', 'c-1');
    policy.fanOut(message(), toCustomers, Date.now());
    writer.ack('s1');
    expect(policy.pendingCount).toBe(0);
    expect(a.owed.size + b.owed.size).toBe(0);
  });

  it('reports every acknowledgement, also those after the user is done (escalation reads them)', () => {
    writer.add('s1', 'customer', 'c-1');
    writer.add('s2', 'customer', 'c-2');
    const m = message();
    policy.fanOut(m, toCustomers, Date.now());
    writer.ack('s2');
    writer.ack('s1');
    expect(policy.pendingCount).toBe(0);
    expect(port.acks.map(([id, user]) => [id, user.split('|').pop()])).toEqual([
      [m.id, 'c-2'],
      [m.id, 'c-1'],
    ]);
  });

  it('passes held sockets by and hands the message to the replay hold', () => {
    const held = writer.add('s1', 'customer', 'c-1');
    const live = writer.add('s2', 'customer', 'c-2');
    port.heldIds.add('s1');
    const m = message();
    policy.fanOut(m, toCustomers, Date.now());
    expect([held.got, live.got]).toEqual([[], [m.id]]);
    expect(port.holds).toEqual([m.id]);
  });

  it('retries skip a socket in its replay: the replay brings the message, paced (no burst after a reconnect)', async () => {
    writer.add('s1', 'customer', 'c-1');
    const m = message();
    policy.fanOut(m, toCustomers, Date.now());
    writer.sockets.delete('s1'); // gone without acknowledging it
    const back = writer.add('s2', 'customer', 'c-1'); // the user is back, its replay under way
    port.heldIds.add('s2');
    await jest.advanceTimersByTimeAsync(FIRST_RETRY);
    expect(back.got).toEqual([]);
    expect(policy.pendingCount).toBe(1);
    port.heldIds.delete('s2'); // the replay is over (its cursor was past the message, say)
    await policy.redeliver(m.id);
    expect(back.got).toEqual([m.id]);
  });

  it('retries from a local timer when the job scheduler cannot take the retry', async () => {
    const s = writer.add('s1', 'customer', 'c-1');
    port.failRetries = true;
    policy.fanOut(message(), toCustomers, Date.now());
    await jest.advanceTimersByTimeAsync(FIRST_RETRY);
    expect(s.got).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(2000);
    expect(s.got).toHaveLength(3);
  });

  it('requeues a dead letter to its recipients online here, as a new first attempt', async () => {
    const s = writer.add('s1', 'customer', 'c-1');
    writer.add('s2', 'customer', 'c-2');
    const m = message();
    policy.requeue(m, ['customer|r-1|c-1', 'customer|r-1|c-9']);
    expect(s.got).toEqual([m.id]);
    expect(writer.sockets.get('s2')!.got).toEqual([]);
    writer.ack('s1');
    expect(policy.pendingCount).toBe(0);
  });
});
