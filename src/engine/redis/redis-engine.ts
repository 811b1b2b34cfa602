import { Logger } from '@nestjs/common';
import { bullPrefix } from '@orderwire/contracts';
import { closeWithin, createRedis, createRedisClient, isClusterClient } from '@orderwire/realtime';
import type { Cluster, Redis } from 'ioredis';
import { withTimeout } from '../../util/with-timeout.js';
import type { AppConfig } from '../../config/app-config.js';
import { AdapterClusterBus, type ClusterBus, UpgradeClusterBus } from '../cluster-bus.js';
import { RedisClusterBus } from './redis-cluster-bus.js';
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
import { RedisStoreStatusStore } from './redis-store-status-store.js';
import { RedisScheduledOrderIndex } from './redis-scheduled-order-index.js';
import { RedisCourierStore } from './redis-courier-store.js';
import { RedisOrderWatch } from './redis-order-watch.js';
import { RedisDayBook } from './redis-day-book.js';
import { RedisPrepSamples } from './redis-prep-samples.js';
import { RedisOrderStore } from './redis-order-store.js';
import { RedisSessionRegistry } from './redis-session-registry.js';
import { Sealer } from './sealer.js';
import { KeyringCanary, sealedRetentionMs } from './keyring-canary.js';
import { StreamsAdapter } from './streams-adapter.js';

/**
 * Everything the redis engine puts behind the seams, built from REDIS_URL and, where set, the
 * Redis instances of their own for queues, the adapter and sessions (RedisUrls; each URL may name
 * a primary behind Sentinel, `redis+sentinel://`, @orderwire/realtime's redis-url.ts):
 * - `store`: commands fail fast while Redis is away (no offline queue), so callers get an
 *   error at once rather than a hang, and nothing is acknowledged that was not written;
 * - `sessions`: the session registry's, like `store` (the same client unless REDIS_SESSIONS_URL);
 * - `queues`: BullMQ's connection (it needs `maxRetriesPerRequest: null`);
 * - `adapter`: the Socket.IO streams adapter's, which buffers through short outages;
 * - `bus`: the nodes' bus (redis-cluster-bus.ts) publishes on its own connection to the adapter's
 *   Redis, and subscribes on another.
 */
export class RedisEngine {
  private readonly logger = new Logger(RedisEngine.name);
  readonly keys: RedisKeys;
  /** A Redis Cluster's client when REDIS_URL names one (redis+cluster://; the keys are laid out for it). */
  readonly store: Redis | Cluster;
  readonly sessionsClient: Redis | Cluster;
  /** A Redis Cluster's client when REDIS_QUEUES_URL names one (redis+cluster://). */
  readonly queues: Redis | Cluster;
  readonly adapterClient: Redis;
  /** The bus's publisher (CLUSTER_BUS redis or both). */
  private readonly busClient?: Redis;
  private readonly redisBus?: RedisClusterBus;
  private readonly streams: StreamsAdapter;
  readonly messages: RedisMessageStore;
  readonly orders: RedisOrderStore;
  readonly menus: RedisMenuStore;
  readonly storeStatuses: RedisStoreStatusStore;
  readonly scheduled: RedisScheduledOrderIndex;
  readonly couriers: RedisCourierStore;
  readonly watch: RedisOrderWatch;
  readonly prepSamples: RedisPrepSamples;
  readonly dayBook: RedisDayBook;
  readonly audit: RedisAuditStore;
  readonly idempotency: RedisIdempotencyStore;
  readonly sessions: RedisSessionRegistry;
  readonly jobs: BullmqJobScheduler;
  readonly bridge: BullmqServiceBridge;
  readonly webhooks: BullmqWebhookQueue;
  readonly bus: ClusterBus;
  readonly adapter: SocketAdapterFactory;
  readonly health: EngineHealth;
  private readonly pinged: ReadonlyArray<readonly [string, Redis | Cluster]>;
  private readonly canary: KeyringCanary;

  constructor(config: AppConfig) {
    const urls = config.engine.redisUrls!;
    const { prefix, nodeId } = config.engine;
    const retry = (times: number): number => Math.min(200 * times, 2000);
    this.keys = new RedisKeys(prefix);
    const failFast = (role: string) =>
      ({
        connectionName: `${prefix}:${nodeId}:${role}`,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        retryStrategy: retry,
        // A frozen Redis (the connection open, nothing answered) must not leave commands waiting:
        // past the deadline the call fails and the client's command is answered UNAVAILABLE.
        commandTimeout: config.engine.commandTimeoutMs,
      }) as const;
    this.store = createRedisClient(urls.store, failFast('store'));
    this.sessionsClient =
      urls.sessions === urls.store ? this.store : createRedisClient(urls.sessions, failFast('sessions'));
    // A turn's commands in one write (coalesced-writes.ts): one EVALSHA per order adds up.
    coalesceWrites(this.store);
    if (this.sessionsClient !== this.store) coalesceWrites(this.sessionsClient);
    this.queues = createRedisClient(urls.queues, {
      connectionName: `${prefix}:${nodeId}:queues`,
      maxRetriesPerRequest: null,
      retryStrategy: retry,
    });
    const sealer = new Sealer(config.encryption?.keys);
    this.streams = new StreamsAdapter(
      urls.adapter,
      { connectionName: `${prefix}:${nodeId}:adapter`, retryStrategy: retry },
      { streamName: `${prefix}:socket.io`, channelPrefix: `${prefix}:socket.io`, maxLen: 100_000 },
      sealer,
    );
    this.adapterClient = this.streams.client;
    if (config.engine.bus !== 'adapter') {
      this.busClient = createRedis(urls.adapter, {
        connectionName: `${prefix}:${nodeId}:bus`,
        retryStrategy: retry,
        // Not queued while Redis is away: the bus drops what it cannot send (the log has it).
        enableOfflineQueue: false,
      });
      this.redisBus = new RedisClusterBus(this.busClient, this.keys.bus, sealer);
    }
    this.bus =
      config.engine.bus === 'redis'
        ? this.redisBus!
        : config.engine.bus === 'both'
          ? new UpgradeClusterBus(this.redisBus!, new AdapterClusterBus(true))
          : new AdapterClusterBus();
    // What the dependency monitor pings, by the name it reports: a role's Redis only when it is
    // an instance of its own (on REDIS_URL's, the store's ping speaks for it).
    this.pinged = [
      ['redis', this.store],
      ...(urls.sessions !== urls.store ? [['redis-sessions', this.sessionsClient] as const] : []),
      ...(urls.queues !== urls.store ? [['redis-queues', this.queues] as const] : []),
      ...(urls.adapter !== urls.store ? [['redis-adapter', this.adapterClient] as const] : []),
    ];
    for (const [name, client] of [
      ['store', this.store],
      ['sessions', this.sessionsClient],
      ['queues', this.queues],
      ['adapter', this.adapterClient],
      ['bus', this.busClient],
    ] as const) {
      if (!client || (name === 'sessions' && client === this.store)) continue;
      client.on('error', (err: Error) =>
        this.logger.debug({ err: err.message, client: name }, 'redis error'),
      );
    }
    const keyring = config.encryption?.keys ?? [];
    this.canary = new KeyringCanary(this.store, this.keys.keyring, keyring, sealedRetentionMs(config));
    this.messages = new RedisMessageStore(this.store, this.keys, messageBounds(config), sealer);
    this.orders = new RedisOrderStore(this.store, this.keys, config.orders, this.messages, sealer);
    this.menus = new RedisMenuStore(this.store, this.keys, config.menu, this.bus);
    this.storeStatuses = new RedisStoreStatusStore(this.store, this.keys, config.menu, this.bus);
    this.scheduled = new RedisScheduledOrderIndex(this.store, this.keys);
    this.couriers = new RedisCourierStore(this.store, this.keys, sealer);
    this.watch = new RedisOrderWatch(this.store, this.keys);
    this.prepSamples = new RedisPrepSamples(this.store, this.keys);
    this.dayBook = new RedisDayBook(this.store, this.keys);
    this.audit = new RedisAuditStore(this.store, this.keys, config.audit, sealer);
    this.idempotency = new RedisIdempotencyStore(this.store, this.keys, config.limits.idempotency);
    this.sessions = new RedisSessionRegistry(this.sessionsClient, this.keys, nodeId);
    // As the bridge and the services decide it: by the client (a Redis Cluster's or not).
    const queuePrefix = bullPrefix(prefix, isClusterClient(this.queues));
    this.jobs = new BullmqJobScheduler(this.queues, queuePrefix, nodeId);
    this.bridge = new BullmqServiceBridge(this.queues, prefix, config.services, sealer);
    this.webhooks = new BullmqWebhookQueue(this.queues, queuePrefix, webhookPolicy(config), sealer);
    this.adapter = this.streams.factory;
    this.health = {
      down: () => this.down(),
      connected: () => this.store.status === 'ready' && this.sessionsClient.status === 'ready',
    };
  }

  /** Waits for the first connection, so that a node with a bad REDIS_URL fails at boot. */
  async start(): Promise<void> {
    await Promise.all(this.clients().map((c) => waitReady(c)));
    await this.redisBus?.start();
    // checkKeyring (app.factory.ts) has held the keyring against what is kept: the current key's
    // canary now, and hourly.
    await this.canary.start();
    this.sessions.start();
  }

  /**
   * Says goodbye (releases this node's sessions), closes the queues and the connections, all
   * within `withinMs`; what is still pending then is force-disconnected. With one of its Redis
   * instances already unreachable, everything is forced at once: a polite close would wait for it.
   */
  async close(withinMs: number): Promise<void> {
    const clients = this.clients();
    this.canary.stop();
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
          close: async () => {
            this.streams.endDuplicates();
            await this.redisBus?.stop();
          },
          force: () => {
            this.streams.endDuplicates();
            void this.redisBus?.stop(true);
          },
        },
        {
          name: 'redis clients',
          close: () => Promise.all(clients.map((c) => c.quit())),
          force: () => clients.forEach((c) => c.disconnect()),
        },
      ],
      withinMs,
      this.pinged.some(([, c]) => c.status !== 'ready'),
    );
    if (forced.length > 0) this.logger.warn({ forced }, 'redis connections force-closed at shutdown');
  }

  /** Every connection of this engine, each once. */
  private clients(): Array<Redis | Cluster> {
    const clients = [this.store, this.sessionsClient, this.queues, this.adapterClient, this.busClient];
    return [...new Set(clients.filter((c): c is Redis | Cluster => c !== undefined))];
  }

  /** The names of the engine's Redis instances that do not answer a PING within 1 s. */
  private async down(): Promise<string[]> {
    const answers = await Promise.all(
      this.pinged.map(([name, client]) =>
        withTimeout(client.ping(), 1000).then(
          () => undefined,
          () => name,
        ),
      ),
    );
    return answers.filter((name): name is string => name !== undefined);
  }
}

function waitReady(client: Redis | Cluster, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return withTimeout(
    new Promise<void>((resolve) => client.once('ready', () => resolve())),
    timeoutMs,
    `redis did not answer within ${timeoutMs} ms`,
  );
}
