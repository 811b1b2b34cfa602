import { createRedisClient } from '@orderwire/realtime';
import type { AppConfig } from '../../config/app-config.js';
import { ConfigError } from '../../config/load-config.js';
import { Sealer } from './sealer.js';
import { withTimeout } from '../../util/with-timeout.js';
import type { RedisClient } from './lua-scripts.js';

const CANARY = 'orderwire keyring canary';
/** How often a running node says its sealing key is still in use. */
const TOUCH_EVERY_MS = 3_600_000;

interface Entry {
  /** CANARY sealed with this key id's key. */
  sealed: string;
  /** When a node last sealed with this key (ms): what it sealed is gone `retentionMs` later. */
  lastSealing: number;
}

/**
 * The longest anything sealed is kept: messages and dead letters, orders, the audit trail,
 * stored results, and BullMQ jobs (failed publishes and commands are kept 7 days).
 */
export function sealedRetentionMs(config: AppConfig): number {
  return Math.max(
    config.delivery.messageTtlMs,
    config.delivery.deadLetters.ttlMs,
    config.orders.retentionMs,
    config.audit.retentionMs,
    config.limits.idempotency.ttlMs,
    7 * 86_400_000,
  );
}

/**
 * Checks DATA_ENCRYPTION_KEY against what this Redis holds, at boot: for every key id that sealed
 * data which may still be kept (a canary sealed with it, and when it last sealed), the keyring
 * must hold that id and its key must open the canary; otherwise the node refuses to start
 * (ConfigError, exit 78), naming the key id — rather than start and then fail every session whose
 * tenant has older data. An entry whose data has all expired is dropped. The current key's canary
 * is written, and refreshed hourly while the node runs.
 */
export class KeyringCanary {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly keys: ReadonlyArray<{ id: string; key: Buffer }>,
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async check(): Promise<void> {
    const entries = await this.redis.hgetall(this.key);
    const sealer = new Sealer(this.keys);
    const ids = new Set(this.keys.map((k) => k.id));
    for (const [id, raw] of Object.entries(entries)) {
      const entry = JSON.parse(raw) as Entry;
      const until = entry.lastSealing + this.retentionMs;
      if (until < this.now()) {
        await this.redis.hdel(this.key, id); // nothing sealed with it is kept any more
        continue;
      }
      const keptUntil = new Date(until).toISOString();
      if (!ids.has(id)) {
        throw new ConfigError(
          this.keys.length === 0
            ? `DATA_ENCRYPTION_KEY is unset, but data sealed with key ${id} may be kept until ${keptUntil}: set the keyring that holds ${id}`
            : `DATA_ENCRYPTION_KEY: key ${id} is not in the keyring, but data sealed with it may be kept until ${keptUntil}: keep it (after the current key) until then`,
        );
      }
      let opened: string | undefined;
      try {
        opened = sealer.open(entry.sealed);
      } catch {
        opened = undefined;
      }
      if (opened !== CANARY) {
        throw new ConfigError(
          `DATA_ENCRYPTION_KEY: key ${id} cannot open the data sealed with key id ${id}: it is another key under the same id`,
        );
      }
    }
  }

  /** Writes the sealing key's canary now and hourly while the node runs. */
  async start(): Promise<void> {
    await this.touch();
    this.timer = setInterval(() => void this.touch().catch(() => undefined), TOUCH_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The sealing key's canary, sealed again, with now as its last use. */
  private async touch(): Promise<void> {
    const current = this.keys[0];
    if (!current) return;
    const entry: Entry = { sealed: new Sealer([current]).seal(CANARY), lastSealing: this.now() };
    await this.redis.hset(this.key, current.id, JSON.stringify(entry));
  }
}

/**
 * The keyring check before the hub is built (app.factory.ts): on a connection of its own, so that
 * a refusal is one line (ConfigError) and leaves nothing open behind it.
 */
export async function checkKeyring(config: AppConfig, keys: { keyring: string }): Promise<void> {
  const client = createRedisClient(config.engine.redisUrls!.store, {
    connectionName: `${config.engine.prefix}:${config.engine.nodeId}:keyring`,
    // As the engine's own connections: Redis may still be starting (10 s, RedisEngine.start).
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  });
  client.on('error', () => undefined); // reported by the timeout below
  try {
    const canary = new KeyringCanary(
      client,
      keys.keyring,
      config.encryption?.keys ?? [],
      sealedRetentionMs(config),
    );
    await withTimeout(canary.check(), 10_000, 'redis did not answer within 10000 ms');
  } finally {
    client.disconnect();
  }
}
