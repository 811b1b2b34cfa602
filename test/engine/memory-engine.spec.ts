import { CONTRACT_SETTINGS, describeEngineContract } from './engine.contract.js';
import { MemoryIdempotencyStore } from '../../src/engine/memory/memory-idempotency-store.js';
import { MemoryJobScheduler } from '../../src/engine/memory/memory-job-scheduler.js';
import { MemoryAuditStore } from '../../src/engine/memory/memory-audit-store.js';
import { MemoryMenuStore } from '../../src/engine/memory/memory-menu-store.js';
import { MemoryStoreStatusStore } from '../../src/engine/memory/memory-store-status-store.js';
import { MemoryDayBook } from '../../src/engine/memory/memory-day-book.js';
import { MemoryScheduledOrderIndex } from '../../src/engine/memory/memory-scheduled-order-index.js';
import { MemoryMessageStore } from '../../src/engine/memory/memory-message-store.js';
import { MemoryOrderStore } from '../../src/engine/memory/memory-order-store.js';
import { MemorySessionRegistry } from '../../src/engine/memory/memory-session-registry.js';
import { MemoryWebhookQueue } from '../../src/engine/memory/memory-webhook-queue.js';

describeEngineContract('memory', () => {
  const jobs = new MemoryJobScheduler();
  const webhooks = new MemoryWebhookQueue(CONTRACT_SETTINGS.webhooks);
  const messages = new MemoryMessageStore(CONTRACT_SETTINGS.messages);
  return Promise.resolve({
    messages,
    orders: new MemoryOrderStore(CONTRACT_SETTINGS.orders, messages),
    menus: new MemoryMenuStore(CONTRACT_SETTINGS.menu),
    storeStatuses: new MemoryStoreStatusStore(CONTRACT_SETTINGS.menu),
    scheduled: new MemoryScheduledOrderIndex(),
    dayBook: new MemoryDayBook(),
    audit: new MemoryAuditStore(CONTRACT_SETTINGS.audit),
    idempotency: new MemoryIdempotencyStore(CONTRACT_SETTINGS.idempotency),
    sessions: new MemorySessionRegistry(),
    jobs,
    webhooks,
    close: async () => (await webhooks.close(), await jobs.close()),
  });
});
