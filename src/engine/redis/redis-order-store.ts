import type { Order } from '@orderwire/contracts';
import { ALL_TENANTS, FINAL_STATUSES, formatOrderNumber } from '@orderwire/contracts';
import type { StoredMessage } from '../message-store.js';
import type { ActiveOrderLimits, OrderStore, OrderStoreBounds, PlaceResult } from '../order-store.js';
import type { RedisMessageStore } from './redis-message-store.js';
import { CREATE, NUMBER_PLACEHOLDER, NUMBER_TTL_SECONDS, PLACE, UPDATE } from './redis-order-scripts.js';
import { bindScripts, type RedisClient } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisTenantRegistry } from './redis-tenant-registry.js';
import { Sealer } from './sealer.js';

/** Tenants whose orders one call of a walk over every tenant reads at once. */
const WALK_PAGE = 500;

/**
 * The order board in Redis: one key per order and, per tenant, sorted sets of its active and
 * final orders, all on the tenant's slot (Redis Cluster). What spans tenants (the SLA sweep,
 * platform admins' board, the retention prune) walks the registry of tenants with orders,
 * TENANTS_MAX of them, a page of tenants at a time.
 */
export class RedisOrderStore implements OrderStore {
  /** The store's Lua scripts, called by SHA (lua-scripts.ts). */
  private readonly lua: ReturnType<typeof scriptsOf>;
  /** Tenants with orders: admitted (TENANTS_MAX) before their first order is written. */
  private readonly tenants: RedisTenantRegistry;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly bounds: OrderStoreBounds,
    /** The message log: place() and update() append their message in the same script. */
    private readonly messages: RedisMessageStore,
    /** Seals the personal fields (delivery address, notes); the status stays readable for the CAS. */
    private readonly sealer = new Sealer(),
  ) {
    this.lua = scriptsOf(redis);
    this.tenants = new RedisTenantRegistry(redis, keys.orderTenants, bounds.maxTenants);
  }

  async get(tenantId: string, orderId: string): Promise<Order | undefined> {
    const raw = await this.redis.get(this.keys.order(tenantId, orderId));
    return raw ? this.parse(raw) : undefined;
  }

  async create(incoming: Order, day: string): Promise<Order | 'tenants' | undefined> {
    if (!(await this.tenants.admit(incoming.tenantId))) return 'tenants';
    // The number's member first: CREATE replaces the first one, which must be this one.
    const { orderNumber: _ignored, ...rest } = incoming;
    const order: Order = { orderNumber: NUMBER_PLACEHOLDER, ...rest };
    const seq = Number(
      await this.lua.orderCreate(
        5,
        ...this.keysOf(order),
        this.keys.orderNumbers(order.tenantId, day),
        ...this.argsOf(order),
        NUMBER_TTL_SECONDS,
      ),
    );
    return seq === 0 ? undefined : { ...order, orderNumber: formatOrderNumber(seq) };
  }

  async place(
    incoming: Order,
    day: string,
    limits: ActiveOrderLimits,
    message: StoredMessage<'order.created'>,
  ): Promise<PlaceResult> {
    if (!(await this.tenants.admit(incoming.tenantId))) return { limit: 'tenants' };
    const { orderNumber: _ignored, ...rest } = incoming;
    const order: Order = { orderNumber: NUMBER_PLACEHOLDER, ...rest };
    message.envelope.data.order = order;
    const append = this.messages.appendCall(message);
    const [n, seq, epoch] = (await this.lua.orderPlace(
      5 + append.keys.length,
      ...this.keysOf(order),
      this.keys.orderNumbers(order.tenantId, day),
      ...append.keys,
      ...this.argsOf(order),
      NUMBER_TTL_SECONDS,
      limits.perCustomer,
      limits.perTenant,
      ...append.args,
    )) as [number, number?, string?];
    if (n === 0) return { exists: true };
    if (n < 0) return { limit: n === -1 ? 'customer' : 'tenant' };
    const placed = { ...order, orderNumber: formatOrderNumber(n) };
    message.envelope.data.order = placed;
    this.messages.appended(message.envelope, epoch!, seq!);
    return { placed };
  }

  async update(order: Order, expectedRevision: number, message?: StoredMessage): Promise<boolean> {
    const append = message ? this.messages.appendCall(message) : { keys: [], args: [] };
    const [won, seq, epoch] = (await this.lua.orderUpdate(
      4 + append.keys.length,
      ...this.keysOf(order),
      ...append.keys,
      ...this.argsOf(order),
      expectedRevision,
      ...append.args,
    )) as [number, number?, string?];
    if (won !== 1) return false;
    if (message) this.messages.appended(message.envelope, epoch!, seq!);
    return true;
  }

  async listActive(tenantId: string, limit: number): Promise<Order[]> {
    if (tenantId === ALL_TENANTS) {
      // Each tenant's oldest `limit`, then the oldest `limit` of those.
      const found = await this.walk((t) =>
        this.redis.zrange(this.keys.active(t), '0', String(limit - 1), 'WITHSCORES'),
      );
      return this.loadOldest(found, limit);
    }
    const ids = await this.redis.zrange(this.keys.active(tenantId), '0', String(limit - 1));
    return this.load(tenantId, ids);
  }

  async countActive(tenantId: string, customerId: string): Promise<{ tenant: number; customer: number }> {
    const [[, tenant], [, customer]] = (await this.redis
      .multi()
      .zcard(this.keys.active(tenantId))
      .scard(this.keys.customerOrders(tenantId, customerId))
      .exec()) as [[unknown, number], [unknown, number]];
    return { tenant, customer };
  }

  async listForCustomer(tenantId: string, customerId: string, limit: number): Promise<Order[]> {
    const ids = await this.redis.smembers(this.keys.customerOrders(tenantId, customerId));
    const orders = await this.load(tenantId, ids);
    return orders
      .filter((o) => !FINAL_STATUSES.has(o.status))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
      .slice(0, limit);
  }

  async listActiveCreatedBetween(from: number, to: number, limit: number): Promise<Order[]> {
    const found = await this.walk((t) =>
      this.redis.zrangebyscore(this.keys.active(t), `(${from}`, String(to), 'WITHSCORES', 'LIMIT', 0, limit),
    );
    return this.loadOldest(found, limit);
  }

  async prune(before: number): Promise<number> {
    let pruned = 0;
    await this.walk(async (t) => {
      const ids = await this.redis.zrangebyscore(this.keys.finals(t), '-inf', `(${before}`);
      if (ids.length === 0) return [];
      const orders = ids.map((id) => this.keys.order(t, id));
      await this.redis
        .multi()
        .del(...orders)
        .zrem(this.keys.finals(t), ...ids)
        .exec();
      pruned += ids.length;
      return [];
    });
    return pruned;
  }

  /**
   * Calls `read` for every tenant with orders, a page of tenants at a time, and returns what it
   * read by tenant (flat `id, score` pairs).
   */
  private async walk(read: (tenantId: string) => Promise<string[]>): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for await (const tenants of this.tenants.pages(WALK_PAGE)) {
      const pages = await Promise.all(tenants.map(read));
      tenants.forEach((t, i) => {
        if (pages[i]!.length > 0) out.set(t, pages[i]!);
      });
    }
    return out;
  }

  /** The `limit` oldest of what walk() found (`id, createdAt` pairs per tenant), oldest first. */
  private async loadOldest(found: Map<string, string[]>, limit: number): Promise<Order[]> {
    const all: Array<{ tenantId: string; id: string; at: number }> = [];
    for (const [tenantId, flat] of found)
      for (let i = 0; i < flat.length; i += 2) all.push({ tenantId, id: flat[i]!, at: Number(flat[i + 1]) });
    all.sort((a, b) => a.at - b.at);
    const byTenant = new Map<string, string[]>();
    for (const { tenantId, id } of all.slice(0, limit)) {
      const ids = byTenant.get(tenantId) ?? [];
      ids.push(id);
      byTenant.set(tenantId, ids);
    }
    const loaded = await Promise.all([...byTenant].map(([t, ids]) => this.load(t, ids)));
    return loaded.flat().sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  }

  private keysOf(order: Order): string[] {
    const k = this.keys;
    return [
      k.order(order.tenantId, order.orderId),
      k.active(order.tenantId),
      k.customerOrders(order.tenantId, order.customerId),
      k.finals(order.tenantId),
    ];
  }

  private argsOf(order: Order): string[] {
    return [
      JSON.stringify(this.sealPersonal(order)),
      String(Date.parse(order.createdAt)),
      order.orderId,
      FINAL_STATUSES.has(order.status) ? '1' : '0',
      String(Date.parse(order.updatedAt)),
      String(this.bounds.retentionMs),
      String(this.bounds.retentionMax),
      this.keys.order(order.tenantId, ''),
    ];
  }

  /** One tenant's orders by id (one MGET: their keys share the tenant's slot). */
  private async load(tenantId: string, ids: string[]): Promise<Order[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.order(tenantId, id)));
    return raws.filter((r): r is string => r !== null).map((r) => this.parse(r));
  }

  private sealPersonal(order: Order): unknown {
    if (!this.sealer.enabled) return order;
    const { deliveryAddress, notes } = order;
    return {
      ...order,
      ...(deliveryAddress ? { deliveryAddress: this.sealer.sealJson(deliveryAddress) } : {}),
      ...(notes !== undefined ? { notes: this.sealer.seal(notes) } : {}),
    };
  }

  private parse(raw: string): Order {
    const stored = JSON.parse(raw) as Omit<Order, 'deliveryAddress'> & { deliveryAddress?: unknown };
    const { deliveryAddress, notes } = stored;
    return {
      ...stored,
      ...(typeof deliveryAddress === 'string'
        ? { deliveryAddress: this.sealer.openJson<Order['deliveryAddress']>(deliveryAddress) }
        : {}),
      ...(notes !== undefined ? { notes: this.sealer.open(notes) } : {}),
    } as Order;
  }
}

const scriptsOf = (redis: RedisClient) =>
  bindScripts(redis, { orderCreate: CREATE, orderPlace: PLACE, orderUpdate: UPDATE });
