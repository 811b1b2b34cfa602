import { describe, expect, it } from '@jest/globals';
import { ackWait, MAX_ACK_WAIT_MS, observeAckTime, type AckTime } from './ack-time.js';

describe('ack time (RFC 6298 estimator)', () => {
  it('waits nothing extra before the first sample', () => {
    expect(ackWait({})).toBe(0);
  });

  it('starts at SRTT = R, RTTVAR = R/2, so the first wait is 3 R', () => {
    const t: AckTime = {};
    observeAckTime(t, 400);
    expect(t).toEqual({ ackSrttMs: 400, ackRttVarMs: 200 });
    expect(ackWait(t)).toBe(1200);
  });

  it('smooths later samples with the RFC gains (1/8, 1/4)', () => {
    const t: AckTime = {};
    observeAckTime(t, 400);
    observeAckTime(t, 800);
    expect(t.ackRttVarMs).toBeCloseTo(0.75 * 200 + 0.25 * 400);
    expect(t.ackSrttMs).toBeCloseTo(0.875 * 400 + 0.125 * 800);
  });

  it('converges on a steady client: the wait stays above its acknowledgement time', () => {
    const t: AckTime = {};
    for (let i = 0; i < 50; i++) observeAckTime(t, 1500);
    expect(ackWait(t)).toBeGreaterThanOrEqual(1500);
    expect(ackWait(t)).toBeLessThan(1510);
  });

  it('a jittery client gets a wider wait than a steady one with the same mean', () => {
    const steady: AckTime = {};
    const jittery: AckTime = {};
    for (let i = 0; i < 40; i++) {
      observeAckTime(steady, 500);
      observeAckTime(jittery, i % 2 ? 200 : 800);
    }
    expect(ackWait(jittery)).toBeGreaterThan(ackWait(steady) + 500);
  });

  it('abuse: a client acking after hours cannot hold retries back for longer than the cap', () => {
    const t: AckTime = {};
    observeAckTime(t, 10 * 3_600_000);
    observeAckTime(t, Number.MAX_SAFE_INTEGER);
    expect(ackWait(t)).toBe(MAX_ACK_WAIT_MS);
    observeAckTime(t, -5); // a clock step backwards counts as 0, never as negative
    expect(t.ackSrttMs).toBeGreaterThanOrEqual(0);
    expect(ackWait(t)).toBeLessThanOrEqual(MAX_ACK_WAIT_MS);
  });
});
