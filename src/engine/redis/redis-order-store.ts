import type { Order } from '@orderwire/contracts';
import { ALL_TENANTS, FINAL_STATUSES, formatOrderNumber } from '@orderwire/contracts';
import type { Redis } from 'ioredis';
import type { StoredMessage } from '../message-store.js';
import type { ActiveOrderLimits, OrderStore, OrderStoreBounds, PlaceResult } from '../order-store.js';
import type { RedisMessageStore } from './redis-message-store.js';
import { CREATE, NUMBER_PLACEHOLDER, NUMBER_TTL_SECONDS, PLACE, UPDATE } from './redis-order-scripts.js';
import { bindScripts } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import { Sealer } from './sealer.js';

/** The order board in Redis: one key per order, sorted sets of the active ones. */
export class RedisOrderStore implements OrderStore {
  /** The store's Lua scripts, called by SHA (lua-scripts.ts). */
  private readonly lua: ReturnType<typeof scriptsOf>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly bounds: OrderStoreBounds,
    /** The message log: place() and update() append their message in the same script. */
    private readonly messages: RedisMessageStore,
    /** Seals the personal fields (delivery address, notes); the status stays readable for the CAS. */
    private readonly sealer = new Sealer(),
  ) {
    this.lua = scriptsOf(redis);
  }

  async get(tenantId: string, orderId: string): Promise<Order | undefined> {
    const raw = await this.redis.get(this.keys.order(tenantId, orderId));
    return raw ? this.parse(raw) : undefined;
  }

  async create(incoming: Order, day: string): Promise<Order | undefined> {
    // The number's member first: CREATE replaces the first one, which must be this one.
    const { orderNumber: _ignored, ...rest } = incoming;
    const order: Order = { orderNumber: NUMBER_PLACEHOLDER, ...rest };
    const seq = Number(
      await this.lua.orderCreate(
        6,
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
    const { orderNumber: _ignored, ...rest } = incoming;
    const order: Order = { orderNumber: NUMBER_PLACEHOLDER, ...rest };
    message.envelope.data.order = order;
    const append = this.messages.appendCall(message);
    const [n, seq, epoch] = (await this.lua.orderPlace(
      6 + append.keys.length,
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
      5 + append.keys.length,
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
      const members = await this.redis.zrange(this.keys.activeAll, '0', String(limit - 1));
      return this.load(members.map((m) => this.keys.order(...split(m))));
    }
    const ids = await this.redis.zrange(this.keys.active(tenantId), '0', String(limit - 1));
    return this.load(ids.map((id) => this.keys.order(tenantId, id)));
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
    const orders = await this.load(ids.map((id) => this.keys.order(tenantId, id)));
    return orders
      .filter((o) => !FINAL_STATUSES.has(o.status))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
      .slice(0, limit);
  }

  async listActiveCreatedBetween(from: number, to: number, limit: number): Promise<Order[]> {
    const members = await this.redis.zrangebyscore(
      this.keys.activeAll,
      `(${from}`,
      String(to),
      'LIMIT',
      0,
      limit,
    );
    return this.load(members.map((m) => this.keys.order(...split(m))));
  }

  async prune(before: number): Promise<number> {
    const members = await this.redis.zrangebyscore(this.keys.finals, '-inf', `(${before}`);
    if (members.length === 0) return 0;
    await this.redis
      .multi()
      .del(...members.map((m) => this.keys.order(...split(m))))
      .zrem(this.keys.finals, ...members)
      .exec();
    return members.length;
  }

  private keysOf(order: Order): string[] {
    const k = this.keys;
    return [
      k.order(order.tenantId, order.orderId),
      k.active(order.tenantId),
      k.activeAll,
      k.customerOrders(order.tenantId, order.customerId),
      k.finals,
    ];
  }

  private argsOf(order: Order): string[] {
    return [
      JSON.stringify(this.sealPersonal(order)),
      String(Date.parse(order.createdAt)),
      order.orderId,
      `${order.tenantId}|${order.orderId}`,
      FINAL_STATUSES.has(order.status) ? '1' : '0',
      String(Date.parse(order.updatedAt)),
      String(this.bounds.retentionMs),
      String(this.bounds.retentionMax),
      this.keys.scriptPrefix,
    ];
  }

  private async load(keys: string[]): Promise<Order[]> {
    if (keys.length === 0) return [];
    const raws = await this.redis.mget(keys);
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

function split(member: string): [string, string] {
  const at = member.indexOf('|');
  return [member.slice(0, at), member.slice(at + 1)];
}

const scriptsOf = (redis: Redis) =>
  bindScripts(redis, { orderCreate: CREATE, orderPlace: PLACE, orderUpdate: UPDATE });
