import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { FakePort, OPTS, msg, settle } from './sequencer.fake.js';
import { DeliverySequencer } from './sequencer.js';

describe('DeliverySequencer with several tenants (a log each)', () => {
  let port: FakePort;
  let seq: DeliverySequencer;
  let now = 0;
  beforeEach(() => {
    jest.useFakeTimers();
    now = 0;
    port = new FakePort();
    port.head_ = { epoch: 'e1', seq: 10 };
    seq = new DeliverySequencer(port, OPTS, () => now);
    seq.start();
  });
  afterEach(() => {
    seq.stop();
    jest.useRealTimers();
  });

  it('holds a gap in one tenant’s log back from that tenant only', async () => {
    port.others.set('B', 4);
    seq.offer(port.append(10));
    seq.offer(msg(4, 'e1', 'B'));
    await settle();
    seq.offer(port.append(12)); // 11 is on its way from another node
    seq.offer(msg(5, 'e1', 'B'));
    expect(port.released).toEqual(['m10', 'B4', 'B5']);
    seq.offer(port.append(11));
    expect(port.released).toEqual(['m10', 'B4', 'B5', 'm11', 'm12']);
    expect(seq.tenantCount).toBe(2);
  });

  it('checks a quiet tenant’s log no more, forgets it once idle long enough, and keeps at most maxTenants', async () => {
    seq.offer(port.append(10));
    await settle();
    const reads = () => port.headReads.filter((t) => t === 'A').length;
    now = 5000;
    await jest.advanceTimersByTimeAsync(5000);
    const whileActive = reads();
    expect(whileActive).toBeGreaterThan(1);
    now = 6000;
    await jest.advanceTimersByTimeAsync(1000);
    now = 20_000;
    await jest.advanceTimersByTimeAsync(3000);
    expect(reads()).toBe(whileActive); // quiet for longer than activeMs: not read
    now = 51_000;
    await jest.advanceTimersByTimeAsync(1000);
    expect(seq.tenantCount).toBe(0);
    for (const t of ['B', 'C', 'D', 'E']) seq.offer(msg(1, 'e1', t));
    await settle();
    expect(seq.tenantCount).toBe(3);
    expect(port.released).toEqual(['m10', 'B1', 'C1', 'D1', 'E1']);
  });

  it('learns a tenant’s head when its first socket starts here, before the socket reads its cursor, and keeps it while it has sockets', async () => {
    let answer!: () => void;
    const head = port.head.bind(port);
    port.head = (t) => new Promise((ok) => (answer = () => ok(head(t))));
    let attached = false;
    const attaching = seq.attach('A').then(() => (attached = true));
    await settle();
    expect(attached).toBe(false); // the welcome waits for the head
    answer();
    await attaching;
    port.head = head;
    // Known now: the tenant's next message goes out at once, in the same turn.
    seq.offer(port.append(11));
    expect(port.released).toEqual(['m11']);
    // Quiet for long, but with a socket here: kept; without one, forgotten.
    port.here.add('A');
    now = 100_000;
    await jest.advanceTimersByTimeAsync(1000);
    expect(seq.tenantCount).toBe(1);
    port.here.clear();
    await jest.advanceTimersByTimeAsync(1000);
    expect(seq.tenantCount).toBe(0);
    await seq.attach('*'); // platform admins have no one log
    expect(seq.tenantCount).toBe(0);
  });
});
