import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { PublishJob } from '@orderwire/contracts';
import { Redis } from 'ioredis';
import { describeRedis, startRedis, type TestRedis } from '../../../test/support/redis.js';
import { BullmqServiceBridge } from './bullmq-service-bridge.js';

const BOUNDS = { subscriberTtlMs: 3_600_000, queueMax: 50_000 };

describeRedis('BullmqServiceBridge: a publish taken by a node that dies', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  it('is done by another node within the lock and the stalled checks (5 s each), not a minute later', async () => {
    const prefix = redis.prefix();
    const connect = () => new Redis(redis.url, { maxRetriesPerRequest: null });
    const [a, b] = [connect(), connect()];
    const dying = new BullmqServiceBridge(a, prefix, BOUNDS);
    const survivor = new BullmqServiceBridge(b, prefix, BOUNDS);
    let taken: () => void = () => undefined;
    const takenByDying = new Promise<void>((resolve) => (taken = resolve));
    // Node A takes the job and never finishes it: it is about to die.
    dying.consumePublishes(() => {
      taken();
      return new Promise<void>(() => undefined);
    });
    const job = { id: 'stalled-1', type: 'notification', tenantId: 'r-1', data: {} } as unknown as PublishJob;
    await dying.enqueuePublish(job);
    await takenByDying;
    dying.disconnect(); // as SIGKILL would: no lock renewal, nothing handed back
    a.disconnect();
    const diedAt = Date.now();
    try {
      const redone = await new Promise<string>((resolve) =>
        survivor.consumePublishes(async (j) => resolve(j.id)),
      );
      expect(redone).toBe('stalled-1');
      // Up to 5 s of lock left at the death, then a check that marks the job and the next that
      // moves it (10 s typically; one period more on a loaded machine). BullMQ's defaults (30 s
      // lock, 30 s checks) would take a minute.
      expect(Date.now() - diedAt).toBeLessThan(20_000);
    } finally {
      await survivor.close();
      b.disconnect();
    }
  }, 40_000);
});
