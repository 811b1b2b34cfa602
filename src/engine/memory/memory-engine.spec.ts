import { CONTRACT_SETTINGS, describeEngineContract } from '../engine.contract.js';
import { MemoryIdempotencyStore } from './memory-idempotency-store.js';
import { MemoryJobScheduler } from './memory-job-scheduler.js';
import { MemoryMessageStore } from './memory-message-store.js';
import { MemoryOrderStore } from './memory-order-store.js';
import { MemorySessionRegistry } from './memory-session-registry.js';

describeEngineContract('memory', () => {
  const jobs = new MemoryJobScheduler();
  return Promise.resolve({
    messages: new MemoryMessageStore(CONTRACT_SETTINGS),
    orders: new MemoryOrderStore(),
    idempotency: new MemoryIdempotencyStore(),
    sessions: new MemorySessionRegistry(),
    jobs,
    close: () => jobs.close(),
  });
});
