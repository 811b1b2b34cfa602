import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { DurableType, Envelope } from '@orderwire/contracts';
import { DeliverySequencer } from './sequencer.js';

import { FakePort, OPTS, msg, settle } from './sequencer.fake.js';

describe('DeliverySequencer', () => {
  let port: FakePort;
  let seq: DeliverySequencer;

  beforeEach(async () => {
    jest.useFakeTimers();
    port = new FakePort();
    port.head_ = { epoch: 'e1', seq: 10 };
    seq = new DeliverySequencer(port, OPTS);
    seq.start();
    // Tenant A's first message (the head, 10) makes this node learn A's log.
    seq.offer(port.append(10));
    await settle();
    expect(port.released).toEqual(['m10']);
    port.released = [];
  });
  afterEach(() => {
    seq.stop();
    jest.useRealTimers();
  });

  it('releases messages in seq order at once when nothing is missing', () => {
    for (const s of [11, 12, 13]) seq.offer(port.append(s));
    expect(port.released).toEqual(['m11', 'm12', 'm13']);
    expect(seq.heldCount).toBe(0);
  });

  it('holds a message behind a gap until the missing one arrives from the bus', async () => {
    const m11 = port.append(11);
    seq.offer(port.append(12)); // appended here after 11 was appended on another node
    seq.offer(port.append(13));
    expect(port.released).toEqual([]);
    await jest.advanceTimersByTimeAsync(100);
    seq.offer(m11); // the bus brings 11
    expect(port.released).toEqual(['m11', 'm12', 'm13']);
    await jest.advanceTimersByTimeAsync(1000);
    expect(port.reads).toEqual([]);
  });

  it('reads a gap from the log when the bus does not bring it in time, and drops the late copy', async () => {
    const m11 = port.append(11);
    seq.offer(port.append(12));
    await jest.advanceTimersByTimeAsync(249);
    expect(port.released).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    await settle();
    expect(port.reads).toEqual([[11, 12]]);
    expect(port.released).toEqual(['m11', 'm12']);
    expect(port.filledCount).toBe(1);
    seq.offer(m11); // the bus copy, late
    expect(port.released).toEqual(['m11', 'm12']);
  });

  it('skips seqs the log no longer has', async () => {
    seq.offer(port.append(13)); // 11 and 12 were trimmed before anyone read them
    await jest.advanceTimersByTimeAsync(250);
    await settle();
    expect(port.released).toEqual(['m13']);
    expect(port.skips).toEqual([[2, 'gone']]);
    seq.offer(port.append(14));
    expect(port.released).toEqual(['m13', 'm14']);
  });

  it('finds a message the bus lost with nothing after it, by comparing the log head', async () => {
    port.append(11); // appended on another node; its bus message is lost
    await jest.advanceTimersByTimeAsync(1000); // first check: sees head 11, waits one period
    expect(port.released).toEqual([]);
    await jest.advanceTimersByTimeAsync(1000);
    await settle();
    expect(port.released).toEqual(['m11']);
  });

  it('reads a long gap a page at a time, and at once past maxHeld', async () => {
    for (let s = 11; s <= 16; s++) port.append(s);
    for (const s of [17, 18, 19, 20]) seq.offer(port.append(s));
    await settle(); // the fourth held message reached maxHeld: no wait
    // Only the gap is read; the held messages after it are released from memory.
    expect(port.reads).toEqual([
      [11, 13],
      [14, 16],
    ]);
    expect(port.released).toEqual(['m11', 'm12', 'm13', 'm14', 'm15', 'm16', 'm17', 'm18', 'm19', 'm20']);
  });

  it('keeps trying while the log cannot be read, and skips the gap only at twice maxHeld', async () => {
    port.failReads = true;
    port.append(11);
    for (const s of [12, 13, 14]) seq.offer(port.append(s));
    await jest.advanceTimersByTimeAsync(250);
    await settle();
    expect(port.released).toEqual([]);
    for (const s of [15, 16, 17, 18, 19]) seq.offer(port.append(s));
    await settle();
    expect(port.released).toEqual(['m12', 'm13', 'm14', 'm15', 'm16', 'm17', 'm18', 'm19']);
    expect(port.skips).toEqual([[1, 'bound']]);
  });

  it('starts over at seq 1 when the log is replaced (a new epoch)', () => {
    seq.offer(port.append(11));
    seq.offer(msg(1, 'e2'));
    seq.offer(msg(2, 'e2'));
    expect(port.released).toEqual(['m11', 'm1', 'm2']);
  });

  it('keeps one head check out at a time while the log does not answer', async () => {
    let asked = 0;
    port.head = () => {
      asked++;
      return new Promise(() => undefined); // Redis away: the read never settles
    };
    seq.offer(port.append(11));
    await jest.advanceTimersByTimeAsync(10_000);
    expect(asked).toBe(1);
  });

  it('passes through messages without a cursor', () => {
    seq.offer({ envelope: { id: 'x' } as Envelope<DurableType>, targets: {}, publishedAt: 0 });
    expect(port.released).toEqual(['x']);
  });
});

describe('DeliverySequencer before the head is known', () => {
  it('keeps what is offered, then releases in order what the log had and orders the rest', async () => {
    jest.useFakeTimers();
    const port = new FakePort();
    port.head_ = { epoch: 'e1', seq: 5 };
    let answer!: () => void;
    const slowHead = port.head.bind(port);
    port.head = () => new Promise((ok) => (answer = () => ok(slowHead())));
    const seq = new DeliverySequencer(port, OPTS);
    seq.start();
    seq.offer(msg(5));
    seq.offer(msg(7));
    seq.offer(msg(4));
    seq.offer(msg(6));
    expect(port.released).toEqual([]);
    answer();
    await settle();
    expect(port.released).toEqual(['m4', 'm5', 'm6', 'm7']);
    // One arriving late at or below the head learnt first was on the bus meanwhile: released, not dropped.
    seq.offer(msg(3));
    expect(port.released).toEqual(['m4', 'm5', 'm6', 'm7', 'm3']);
    seq.stop();
    jest.useRealTimers();
  });
});
