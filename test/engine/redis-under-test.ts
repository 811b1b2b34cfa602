import type { RedisEngine } from '../../src/engine/redis/redis-engine.js';
import { RedisAuditStore } from '../../src/engine/redis/redis-audit-store.js';
import { CONTRACT_SETTINGS, type EngineUnderTest } from './engine.contract.js';

/** A started redis engine as the engine contract sees it (one Redis or a cluster). */
export function redisUnderTest(engine: RedisEngine): EngineUnderTest {
  return {
    messages: engine.messages,
    orders: engine.orders,
    menus: engine.menus,
    storeStatuses: engine.storeStatuses,
    scheduled: engine.scheduled,
    dayBook: engine.dayBook,
    // The engine's own store has AUDIT_SCAN_MAX; the contract's, a smaller read bound.
    audit: new RedisAuditStore(engine.store, engine.keys, CONTRACT_SETTINGS.audit),
    idempotency: engine.idempotency,
    sessions: engine.sessions,
    jobs: engine.jobs,
    webhooks: engine.webhooks,
    close: () => engine.close(2000),
  };
}
