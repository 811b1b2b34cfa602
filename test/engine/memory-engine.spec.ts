import { CONTRACT_SETTINGS, describeEngineContract } from './engine.contract.js';
import { MemoryIdempotencyStore } from '../../src/engine/memory/memory-idempotency-store.js';
import { MemoryJobScheduler } from '../../src/engine/memory/memory-job-scheduler.js';
import { MemoryAuditStore } from '../../src/engine/memory/memory-audit-store.js';
import { MemoryMenuStore } from '../../src/engine/memory/memory-menu-store.js';
import { MemoryMessageStore } from '../../src/engine/memory/memory-message-store.js';
import { MemoryOrderStore } from '../../src/engine/memory/memory-order-store.js';
import { MemorySessionRegistry } from '../../src/engine/memory/memory-session-registry.js';

describeEngineContract('memory', () => {
  const jobs = new MemoryJobScheduler();
  return Promise.resolve({
    messages: new MemoryMessageStore(CONTRACT_SETTINGS.messages),
    orders: new MemoryOrderStore(CONTRACT_SETTINGS.orders),
    menus: new MemoryMenuStore(CONTRACT_SETTINGS.menu),
    audit: new MemoryAuditStore(CONTRACT_SETTINGS.audit),
    idempotency: new MemoryIdempotencyStore(CONTRACT_SETTINGS.idempotency),
    sessions: new MemorySessionRegistry(),
    jobs,
    close: () => jobs.close(),
  });
});
