import { Logger } from '@nestjs/common';
import { bullPrefix } from '@orderwire/contracts';
import { closeWithin } from '@orderwire/realtime';
import { Redis } from 'ioredis';
import { withTimeout } from '../../util/with-timeout.js';
import type { AppConfig } from '../../config/app-config.js';
import { AdapterClusterBus } from '../cluster-bus.js';
import { coalesceWrites } from './coalesced-writes.js';
import type { EngineHealth, SocketAdapterFactory } from '../engine.tokens.js';
import { messageBounds } from '../message-store.js';
import { BullmqJobScheduler } from './bullmq-job-scheduler.js';
import { BullmqServiceBridge } from './bullmq-service-bridge.js';
import { BullmqWebhookQueue } from './bullmq-webhook-queue.js';
import { webhookPolicy } from '../webhook-queue.js';
import { RedisIdempotencyStore } from './redis-idempotency-store.js';
import { RedisKeys } from './redis-keys.js';
import { RedisMessageStore } from './redis-message-store.js';
import { RedisAuditStore } from './redis-audit-store.js';
import { RedisMenuStore } from './redis-menu-store.js';
import { RedisOrderStore } from './redis-order-store.js';
import { RedisSessionRegistry } from './redis-session-registry.js';
import { Sealer } from './sealer.js';
import { StreamsAdapter } from './streams-adapter.js';

/**
 * Everything the redis engine puts behind the seams, built from one REDIS_URL:
 * - `store`: commands fail fast while Redis is away (no offline queue), so callers get an
 *   error at once rather than a hang, and nothing is acknowledged that was not written;
 * - `queues`: BullMQ's connection (it needs `maxRetriesPerRequest: null`);
 * - `adapter`: the Socket.IO streams adapter's, which buffers through short outages.
 */
export class RedisEngine {
  private readonly logger = new Logger(RedisEngine.name);
  readonly keys: RedisKeys;
  readonly store: Redis;
  readonly queues: Redis;
  readonly adapterClient: Redis;
  private readonly streams: StreamsAdapter;
  readonly messages: RedisMessageStore;
  readonly orders: RedisOrderStore;
  readonly menus: RedisMenuStore;
  readonly audit: RedisAuditStore;
  readonly idempotency: RedisIdempotencyStore;
  readonly sessions: RedisSessionRegistry;
  readonly jobs: BullmqJobScheduler;
  readonly bridge: BullmqServiceBridge;
  readonly webhooks: BullmqWebhookQueue;
  readonly bus = new AdapterClusterBus();
  readonly adapter: SocketAdapterFactory;
  readonly health: EngineHealth;

  constructor(config: AppConfig) {
    const url = config.engine.redisUrl!;
    const { prefix, nodeId } = config.engine;
    const retry = (times: number): number => Math.min(200 * times, 2000);
    this.keys = new RedisKeys(prefix);
    this.store = new Redis(url, {
      connectionName: `${prefix}:${nodeId}:store`,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: retry,
    });
    // A turn's commands in one write (coalesced-writes.ts): one EVALSHA per order adds up.
    coalesceWrites(this.store);
    this.queues = new Redis(url, {
      connectionName: `${prefix}:${nodeId}:queues`,
      maxRetriesPerRequest: null,
      retryStrategy: retry,
    });
    this.streams = new StreamsAdapter(
      url,
      { connectionName: `${prefix}:${nodeId}:adapter`, retryStrategy: retry },
      { streamName: `${prefix}:socket.io`, channelPrefix: `${prefix}:socket.io`, maxLen: 100_000 },
    );
    this.adapterClient = this.streams.client;
    for (const [name, client] of [
      ['store', this.store],
      ['queues', this.queues],
      ['adapter', this.adapterClient],
    ] as const) {
      client.on('error', (err: Error) =>
        this.logger.debug({ err: err.message, client: name }, 'redis error'),
      );
    }
    const sealer = new Sealer(config.encryption?.keys);
    this.messages = new RedisMessageStore(this.store, this.keys, messageBounds(config), sealer);
    this.orders = new RedisOrderStore(this.store, this.keys, config.orders, this.messages, sealer);
    this.menus = new RedisMenuStore(this.store, this.keys, config.menu, this.bus);
    this.audit = new RedisAuditStore(this.store, this.keys, config.audit);
    this.idempotency = new RedisIdempotencyStore(this.store, this.keys, config.limits.idempotency);
    this.sessions = new RedisSessionRegistry(this.store, this.keys, nodeId);
    this.jobs = new BullmqJobScheduler(this.queues, bullPrefix(prefix), nodeId);
    this.bridge = new BullmqServiceBridge(this.queues, prefix, config.services);
    this.webhooks = new BullmqWebhookQueue(this.queues, bullPrefix(prefix), webhookPolicy(config));
    this.adapter = this.streams.factory;
    this.health = { down: () => this.down(), connected: () => this.store.status === 'ready' };
  }

  /** Waits for the first connection, so that a node with a bad REDIS_URL fails at boot. */
  async start(): Promise<void> {
    await Promise.all([this.store, this.queues, this.adapterClient].map((c) => waitReady(c)));
    this.sessions.start();
  }

  /**
   * Says goodbye (releases this node's sessions), closes the queues and the connections, all
   * within `withinMs`; what is still pending then is force-disconnected. With Redis already
   * unreachable, everything is forced at once: a polite close would wait for Redis to return.
   */
  async close(withinMs: number): Promise<void> {
    const clients = [this.store, this.queues, this.adapterClient];
    const forced = await closeWithin(
      [
        { name: 'sessions', close: () => this.sessions.stop(), force: () => this.sessions.halt() },
        { name: 'service bridge', close: () => this.bridge.close(), force: () => this.bridge.disconnect() },
        { name: 'job scheduler', close: () => this.jobs.close(), force: () => this.jobs.disconnect() },
        { name: 'webhooks', close: () => this.webhooks.close(), force: () => this.webhooks.disconnect() },
        {
          // The Socket.IO server closed its namespaces before this (Nest disposes the gateways
          // before the shutdown hooks): the adapter's polling and pub/sub connections can go.
          name: 'adapter connections',
          close: async () => void this.streams.endDuplicates(),
          force: () => void this.streams.endDuplicates(),
        },
        {
          name: 'redis clients',
          close: () => Promise.all(clients.map((c) => c.quit())),
          force: () => clients.forEach((c) => c.disconnect()),
        },
      ],
      withinMs,
      this.store.status !== 'ready',
    );
    if (forced.length > 0) this.logger.warn({ forced }, 'redis connections force-closed at shutdown');
  }

  private async down(): Promise<string[]> {
    try {
      await withTimeout(this.store.ping(), 1000);
      return [];
    } catch {
      return ['redis'];
    }
  }
}

function waitReady(client: Redis, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return withTimeout(
    new Promise<void>((resolve) => client.once('ready', () => resolve())),
    timeoutMs,
    `redis did not answer within ${timeoutMs} ms`,
  );
}
