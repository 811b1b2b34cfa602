import { describe, expect, it, jest } from '@jest/globals';
import type { CumulativeAck } from '@orderwire/contracts/protocol';
import { CumulativeAcker } from './cumulative-ack.js';

describe('CumulativeAcker: one ack for a burst, its failures as gaps', () => {
  const setUp = () => {
    jest.useFakeTimers();
    const sent: CumulativeAck[] = [];
    return { sent, acker: new CumulativeAcker((ack) => sent.push(ack), 0) };
  };
  const throttled = () => {
    jest.useFakeTimers({ now: 1000 });
    const sent: Array<[number, CumulativeAck]> = [];
    return { sent, acker: new CumulativeAcker((ack) => sent.push([Date.now(), ack]), 20) };
  };

  it('sends the highest cursor processed once per burst, whatever the arrival order', () => {
    const { sent, acker } = setUp();
    for (const c of ['e:3', 'e:5', 'e:4']) acker.processed(c);
    expect(sent).toEqual([]);
    jest.runAllTimers();
    expect(sent).toEqual([{ cursor: 'e:5' }]);
    jest.runAllTimers();
    expect(sent).toHaveLength(1); // nothing new, nothing sent
    jest.useRealTimers();
  });

  it('sends at most one ack per interval: the first at once, the rest when the interval allows', () => {
    const { sent, acker } = throttled();
    acker.processed('e:1');
    jest.advanceTimersByTime(1);
    for (let i = 2; i <= 50; i++) {
      acker.processed(`e:${i}`);
      jest.advanceTimersByTime(1); // a message a millisecond
    }
    jest.runAllTimers();
    expect(sent.map(([at]) => at)).toEqual([1000, 1020, 1040, 1060]);
    expect(sent.at(-1)![1]).toEqual({ cursor: 'e:50' });
    jest.useRealTimers();
  });

  it('keeps a failed cursor out of every ack below which it falls, until a copy of it is processed', () => {
    const { sent, acker } = setUp();
    acker.failed('e:2');
    acker.processed('e:1');
    jest.runAllTimers();
    acker.processed('e:3');
    jest.runAllTimers();
    acker.processed('e:2'); // the retry went through
    jest.runAllTimers();
    expect(sent).toEqual([{ cursor: 'e:1' }, { cursor: 'e:3', gaps: ['e:2'] }, { cursor: 'e:3' }]);
    jest.useRealTimers();
  });

  it('holds at most 100 gaps (the oldest forgotten), ignores what is not a cursor, and forgets all on reset', () => {
    const { sent, acker } = setUp();
    for (let i = 0; i < 150; i++) acker.failed(`e:${i}`);
    acker.failed('not a cursor');
    acker.processed('garbage');
    acker.processed('e:200');
    jest.runAllTimers();
    expect(sent[0].gaps).toHaveLength(100);
    expect(sent[0].gaps![0]).toBe('e:50');
    acker.processed('e:201');
    acker.reset();
    jest.runAllTimers();
    expect(sent).toHaveLength(1);
    jest.useRealTimers();
  });
});
