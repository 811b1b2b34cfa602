import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { once } from 'node:events';
import { describeRedis, startRedis, type TestRedis } from '../../../test/support/redis.js';
import { disconnectAll } from './bullmq-disconnect.js';

describeRedis('disconnectAll: the forced close of BullMQ queues and workers', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  it('stops a worker busy with a job that never ends, and its fetch loop, at once', async () => {
    const prefix = redis.prefix();
    const clients: Redis[] = [];
    const connection = () => {
      clients.push(new Redis(redis.url, { maxRetriesPerRequest: null }));
      return clients.at(-1)!;
    };
    const queue = new Queue('forced', { connection: connection(), prefix });
    let started: () => void = () => undefined;
    const inHand = new Promise<void>((resolve) => (started = resolve));
    const worker = new Worker(
      'forced',
      () => {
        started();
        return new Promise<void>(() => undefined);
      },
      { connection: connection(), prefix },
    );
    const errors: string[] = [];
    worker.on('error', (err) => errors.push(err.message));
    await queue.add('never-ends', {});
    await inHand;
    const closed = once(worker, 'closed');
    disconnectAll([worker, queue]);
    // disconnect() alone never closes the worker: its loop retries the closed connection.
    await expect(
      Promise.race([closed, new Promise((r) => setTimeout(r, 3000, 'still running'))]),
    ).resolves.toEqual([]);
    const failuresSoFar = errors.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(errors.length).toBe(failuresSoFar);
    // The connections given to BullMQ are the caller's to end (the engine ends its own).
    for (const c of clients) c.disconnect();
  }, 15_000);
});
