import { CONTRACT_SETTINGS, describeEngineContract } from '../engine.contract.js';
import { MemoryIdempotencyStore } from './memory-idempotency-store.js';
import { MemoryJobScheduler } from './memory-job-scheduler.js';
import { MemoryMessageStore } from './memory-message-store.js';
import { MemoryOrderStore } from './memory-order-store.js';
import { MemorySessionRegistry } from './memory-session-registry.js';

describeEngineContract('memory', () => {
  const jobs = new MemoryJobScheduler();
  return Promise.resolve({
    messages: new MemoryMessageStore(CONTRACT_SETTINGS.messages),
    orders: new MemoryOrderStore(CONTRACT_SETTINGS.orders),
    idempotency: new MemoryIdempotencyStore(CONTRACT_SETTINGS.idempotency),
    sessions: new MemorySessionRegistry(),
    jobs,
    close: () => jobs.close(),
  });
});
