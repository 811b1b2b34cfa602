import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { MemoryJobScheduler } from './memory-job-scheduler.js';

describe('MemoryJobScheduler', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs a job further away than a Node timer can wait at the longest wait, not at once', async () => {
    jest.useFakeTimers();
    const jobs = new MemoryJobScheduler();
    const ran: string[] = [];
    jobs.handle('store-wake', (key) => void ran.push(key));
    // A store closed for 30 days: a plain setTimeout would overflow and fire after 1 ms.
    await jobs.schedule('store-wake', 'r-1@far', 30 * 86_400_000);
    await jest.advanceTimersByTimeAsync(1000);
    expect(ran).toEqual([]);
    await jest.advanceTimersByTimeAsync(2 ** 31 - 1);
    expect(ran).toEqual(['r-1@far']);
    await jobs.close();
  });
});
