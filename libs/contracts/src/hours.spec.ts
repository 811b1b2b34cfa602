import { describe, expect, it } from '@jest/globals';
import {
  hoursProblem,
  isOpenAt,
  nextHoursChange,
  nextOpening,
  type OpeningHours,
  type OpeningRange,
  zonedTime,
} from './hours.js';
import { storeStatusView } from './store-status.js';

const Z = (iso: string) => Date.parse(iso);
const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
const r = (open: string, close: string): OpeningRange => ({ open, close });
const every = (...ranges: OpeningRange[]): OpeningHours['weekly'] => ({
  mon: ranges,
  tue: ranges,
  wed: ranges,
  thu: ranges,
  fri: ranges,
  sat: ranges,
  sun: ranges,
});

describe('opening hours: local times to instants', () => {
  it('a time clocks skip is as far past the change as it was meant to be; a repeated one is its first', () => {
    // Berlin skips 02:00-03:00 on 2026-03-29 (01:00Z): 02:30 reads as 03:30 CEST.
    expect(iso(zonedTime({ y: 2026, m: 3, d: 29 }, 150, 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z');
    // Berlin repeats 02:00-03:00 on 2026-10-25: 02:30 is the first (CEST) one.
    expect(iso(zonedTime({ y: 2026, m: 10, d: 25 }, 150, 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z');
    // New York: 11:00 is 16:00Z in winter, 15:00Z in summer; minutes past 1440 run into the next day.
    expect(iso(zonedTime({ y: 2026, m: 3, d: 7 }, 660, 'America/New_York'))).toBe('2026-03-07T16:00:00.000Z');
    expect(iso(zonedTime({ y: 2026, m: 3, d: 8 }, 660, 'America/New_York'))).toBe('2026-03-08T15:00:00.000Z');
    expect(iso(zonedTime({ y: 2026, m: 3, d: 7 }, 1440 + 60, 'America/New_York'))).toBe(
      '2026-03-08T06:00:00.000Z',
    );
  });
});

describe('opening hours: open or closed, and the next change', () => {
  const berlin: OpeningHours = {
    weekly: { ...every(r('11:00', '14:30')), sat: [r('11:00', '14:30'), r('18:00', '02:00')] },
  };

  it('a range past midnight keeps the store open into the next day', () => {
    // Saturday 2026-12-05 23:30 CET and Sunday 01:59 CET: open; 02:00: closed.
    expect(isOpenAt(berlin, 'Europe/Berlin', Z('2026-12-05T22:30:00Z'))).toBe(true);
    expect(isOpenAt(berlin, 'Europe/Berlin', Z('2026-12-06T00:59:00Z'))).toBe(true);
    expect(isOpenAt(berlin, 'Europe/Berlin', Z('2026-12-06T01:00:00Z'))).toBe(false);
    expect(iso(nextHoursChange(berlin, 'Europe/Berlin', Z('2026-12-05T22:30:00Z')))).toBe(
      '2026-12-06T01:00:00.000Z',
    );
    // Between lunch and dinner: next opening 18:00 local.
    expect(iso(nextOpening(berlin, 'Europe/Berlin', Z('2026-12-05T14:00:00Z')))).toBe(
      '2026-12-05T17:00:00.000Z',
    );
  });

  it('Europe, clocks forward: the night range ends when 02:00 is skipped, lunch opens at 11:00 CEST', () => {
    // Saturday 2026-03-28 18:00 CET to Sunday 02:00, the night Berlin skips 02:00-03:00 (at 01:00Z).
    expect(isOpenAt(berlin, 'Europe/Berlin', Z('2026-03-29T00:59:00Z'))).toBe(true);
    expect(isOpenAt(berlin, 'Europe/Berlin', Z('2026-03-29T01:00:00Z'))).toBe(false);
    expect(iso(nextHoursChange(berlin, 'Europe/Berlin', Z('2026-03-28T22:00:00Z')))).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    expect(iso(nextOpening(berlin, 'Europe/Berlin', Z('2026-03-29T01:00:00Z')))).toBe(
      '2026-03-29T09:00:00.000Z',
    );
  });

  it('Europe, clocks back: the night range ends at the first 02:00 and stays closed through the repeated hour', () => {
    // 2026-10-25: 02:00 CEST is 00:00Z; the hour 02:00-03:00 comes again at 01:00Z in CET.
    expect(isOpenAt(berlin, 'Europe/Berlin', Z('2026-10-24T23:59:00Z'))).toBe(true);
    expect(isOpenAt(berlin, 'Europe/Berlin', Z('2026-10-25T00:00:00Z'))).toBe(false);
    expect(isOpenAt(berlin, 'Europe/Berlin', Z('2026-10-25T01:30:00Z'))).toBe(false);
    expect(iso(nextHoursChange(berlin, 'Europe/Berlin', Z('2026-10-24T20:00:00Z')))).toBe(
      '2026-10-25T00:00:00.000Z',
    );
    expect(iso(nextOpening(berlin, 'Europe/Berlin', Z('2026-10-25T00:00:00Z')))).toBe(
      '2026-10-25T10:00:00.000Z',
    );
  });

  it('America, clocks forward and back: 11:00 local moves by an hour of UTC, a night range spans the repeated hour', () => {
    const ny: OpeningHours = { weekly: { ...every(r('11:00', '23:00')), sat: [r('11:00', '23:00')] } };
    expect(iso(nextOpening(ny, 'America/New_York', Z('2026-03-08T04:30:00Z')))).toBe(
      '2026-03-08T15:00:00.000Z',
    );
    expect(iso(nextHoursChange(ny, 'America/New_York', Z('2026-03-08T15:00:00Z')))).toBe(
      '2026-03-09T03:00:00.000Z',
    );
    expect(iso(nextOpening(ny, 'America/New_York', Z('2026-11-01T03:30:00Z')))).toBe(
      '2026-11-01T16:00:00.000Z',
    );
    // Saturday 2026-10-31 20:00 to 02:00: 02:00 EST (07:00Z) comes after 01:00-02:00 twice: open five hours.
    const night: OpeningHours = { weekly: { sat: [r('20:00', '02:00')] } };
    expect(isOpenAt(night, 'America/New_York', Z('2026-11-01T06:30:00Z'))).toBe(true);
    expect(isOpenAt(night, 'America/New_York', Z('2026-11-01T07:00:00Z'))).toBe(false);
    expect(iso(nextHoursChange(night, 'America/New_York', Z('2026-11-01T00:00:00Z')))).toBe(
      '2026-11-01T07:00:00.000Z',
    );
  });

  it('dated exceptions replace the weekday: a holiday closed all day, a short Christmas Eve', () => {
    const hours: OpeningHours = {
      weekly: every(r('11:00', '22:00')),
      exceptions: [
        { date: '2026-12-24', ranges: [r('11:00', '15:00')] },
        { date: '2026-12-25', ranges: [] },
      ],
    };
    expect(isOpenAt(hours, 'Europe/Berlin', Z('2026-12-24T15:00:00Z'))).toBe(false);
    expect(iso(nextOpening(hours, 'Europe/Berlin', Z('2026-12-24T15:00:00Z')))).toBe(
      '2026-12-26T10:00:00.000Z',
    );
    expect(isOpenAt(hours, 'Europe/Berlin', Z('2026-12-23T15:00:00Z'))).toBe(true);
  });

  it('a store with no hours on any day never opens: no next opening', () => {
    expect(nextOpening({ weekly: {} }, 'Europe/Berlin', Z('2026-12-05T12:00:00Z'))).toBeUndefined();
    expect(nextOpening({ weekly: {} }, 'Europe/Berlin', Z('2026-12-05T12:00:00Z'))).toBeUndefined();
  });
});

describe('opening hours: what is refused', () => {
  const problem = (hours: OpeningHours) => hoursProblem(hours);
  it('overlapping ranges, within a day, by a night spilling into the next, and Sunday into Monday', () => {
    expect(problem({ weekly: { mon: [r('10:00', '14:00'), r('13:00', '18:00')] } })?.field).toBe(
      'weekly.mon.1',
    );
    expect(problem({ weekly: { mon: [r('20:00', '03:00')], tue: [r('02:00', '10:00')] } })?.field).toBe(
      'weekly.tue.0',
    );
    expect(problem({ weekly: { sun: [r('20:00', '03:00')], mon: [r('02:00', '10:00')] } })?.field).toBe(
      'weekly.sun.0',
    );
    expect(problem({ weekly: { mon: [r('10:00', '14:00'), r('14:00', '18:00')] } })).toBeUndefined();
    expect(
      problem({
        weekly: {},
        exceptions: [{ date: '2026-12-24', ranges: [r('10:00', '14:00'), r('12:00', '13:00')] }],
      })?.field,
    ).toBe('exceptions.0.ranges.1');
  });

  it('inverted and empty ranges, bad or repeated dates', () => {
    expect(problem({ weekly: { mon: [r('14:00', '13:00')] } })?.message).toMatch(/before open/);
    expect(problem({ weekly: { mon: [r('10:00', '10:00')] } })?.field).toBe('weekly.mon.0');
    expect(problem({ weekly: { mon: [r('18:00', '12:00')] } })).toBeUndefined();
    expect(problem({ weekly: { mon: [r('00:00', '24:00')] } })).toBeUndefined();
    expect(problem({ weekly: {}, exceptions: [{ date: '2026-02-30', ranges: [] }] })?.field).toBe(
      'exceptions.0.date',
    );
    const twice = { date: '2026-12-25', ranges: [] };
    expect(problem({ weekly: {}, exceptions: [twice, twice] })?.field).toBe('exceptions.1.date');
  });
});

describe('store.status with opening hours', () => {
  const hours: OpeningHours = { weekly: every(r('11:00', '22:00')) };
  const schedule = { hours, zone: 'Europe/Berlin' };
  const by = { id: 'f-1', type: 'crew' as const };

  it('closed outside the hours unless people closed it, with the next opening; a version up once the hours moved', () => {
    const busy = {
      status: 'busy' as const,
      extraPrepMinutes: 10,
      version: 4,
      updatedBy: by,
      updatedAt: '2026-12-05T12:00:00.000Z',
    };
    expect(storeStatusView(busy, Z('2026-12-05T13:00:00Z'), schedule)).toMatchObject({
      status: 'busy',
      version: 4,
    });
    expect(storeStatusView(busy, Z('2026-12-05T22:00:00Z'), schedule)).toEqual({
      status: 'closed',
      extraPrepMinutes: 0,
      reason: 'outside opening hours',
      nextOpenAt: '2026-12-06T10:00:00.000Z',
      version: 5,
      updatedBy: { id: 'hub', type: 'system' },
    });
    // Paused until a time after closing: it opens again with the hours, not at until.
    const paused = {
      ...busy,
      status: 'paused' as const,
      extraPrepMinutes: 0,
      until: '2026-12-05T21:30:00.000Z',
    };
    expect(storeStatusView(paused, Z('2026-12-05T20:00:00Z'), schedule)).toMatchObject({
      status: 'paused',
      nextOpenAt: '2026-12-06T10:00:00.000Z',
      version: 4,
    });
  });
});
