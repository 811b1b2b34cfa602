import type { CourierPosition } from '@orderwire/contracts';
import type { CourierStore, HandoffRecord } from '../courier-store.js';
import { bindScripts, type RedisClient } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import type { Sealer } from './sealer.js';

/** KEYS: the code's hash. ARGV: sealed code, ttl ms. The code kept (sealed): the new one or the old. */
const CREATE = `
if redis.call('HSETNX', KEYS[1], 'c', ARGV[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('HGET', KEYS[1], 'c')`;

/** KEYS: the code's hash. The failures now; 0 when there is no code. */
const FAIL = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HINCRBY', KEYS[1], 'f', 1)`;

/**
 * A key per order out for delivery (its last position, sealed JSON, with a TTL) and a hash per
 * delivery order (`c`: the sealed hand-over code, `f`: wrong tries). Both are personal or secret:
 * sealed at rest with DATA_ENCRYPTION_KEY like orders.
 */
export class RedisCourierStore implements CourierStore {
  private readonly lua: ReturnType<typeof scriptsOf>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly sealer: Sealer,
  ) {
    this.lua = scriptsOf(redis);
  }

  async setPosition(
    tenantId: string,
    orderId: string,
    position: CourierPosition,
    ttlMs: number,
  ): Promise<void> {
    await this.redis.set(
      this.keys.courierPosition(tenantId, orderId),
      this.sealer.sealJson(position)!,
      'PX',
      ttlMs,
    );
  }

  async positions(tenantId: string, orderIds: readonly string[]): Promise<Map<string, CourierPosition>> {
    const out = new Map<string, CourierPosition>();
    if (orderIds.length === 0) return out;
    const values = await this.redis.mget(orderIds.map((id) => this.keys.courierPosition(tenantId, id)));
    values.forEach((v, i) => {
      if (v) out.set(orderIds[i]!, this.sealer.openJson<CourierPosition>(v));
    });
    return out;
  }

  async createCode(tenantId: string, orderId: string, code: string, ttlMs: number): Promise<string> {
    const kept = await this.lua.handoffCreate(
      1,
      this.keys.handoff(tenantId, orderId),
      this.sealer.seal(code),
      ttlMs,
    );
    return this.sealer.open(String(kept));
  }

  async codes(tenantId: string, orderIds: readonly string[]): Promise<Map<string, HandoffRecord>> {
    const out = new Map<string, HandoffRecord>();
    if (orderIds.length === 0) return out;
    const pipeline = this.redis.pipeline();
    for (const id of orderIds) pipeline.hmget(this.keys.handoff(tenantId, id), 'c', 'f');
    const results = (await pipeline.exec()) ?? [];
    results.forEach(([err, fields], i) => {
      if (err) throw err;
      const [code, failures] = fields as [string | null, string | null];
      if (code) out.set(orderIds[i]!, { code: this.sealer.open(code), failures: Number(failures ?? 0) });
    });
    return out;
  }

  async failCode(tenantId: string, orderId: string): Promise<number> {
    return Number(await this.lua.handoffFail(1, this.keys.handoff(tenantId, orderId)));
  }

  async forget(tenantId: string, orderId: string): Promise<void> {
    await this.redis.del(this.keys.handoff(tenantId, orderId), this.keys.courierPosition(tenantId, orderId));
  }
}

const scriptsOf = (redis: RedisClient) => bindScripts(redis, { handoffCreate: CREATE, handoffFail: FAIL });
