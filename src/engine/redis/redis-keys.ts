/**
 * Every Redis key of the hub, in one place, under REDIS_PREFIX. Keys are for one Redis server
 * (or a primary with replicas); Redis Cluster would need hash tags, which this layout does not use.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  readonly epoch = this.k('log:epoch');
  readonly seq = this.k('log:seq');
  readonly tenants = this.k('log:tenants');
  message = (id: string): string => this.k(`msg:${id}`);
  /** Message ids by seq: `"*"` is the global log that platform admins read. */
  log = (tenantId: string): string => this.k(`log:${tenantId}`);
  /** The highest seq pruned from a log: a cursor below it may have missed messages. */
  floor = (tenantId: string): string => this.k(`log:floor:${tenantId}`);
  deadLetters = (tenantId: string): string => this.k(`dl:${tenantId}`);
  deadLetter = (id: string): string => this.k(`dl:msg:${id}`);

  order = (tenantId: string, orderId: string): string => this.k(`order:${tenantId}:${orderId}`);
  active = (tenantId: string): string => this.k(`orders:active:${tenantId}`);
  readonly activeAll = this.k('orders:active');
  customerOrders = (tenantId: string, customerId: string): string =>
    this.k(`orders:customer:${tenantId}:${customerId}`);
  readonly finals = this.k('orders:final');

  idempotency = (key: string): string => this.k(`idem:${key}`);

  userSessions = (userKey: string): string => this.k(`sess:user:${userKey}`);
  tenantSessions = (tenantId: string): string => this.k(`sess:tenant:${tenantId}`);
  nodeSessions = (nodeId: string): string => this.k(`sess:node:${nodeId}`);
  readonly nodes = this.k('nodes');
  alive = (nodeId: string): string => this.k(`node:alive:${nodeId}`);
  revoked = (userKey: string): string => this.k(`revoked:${userKey}`);

  private k(rest: string): string {
    return `${this.prefix}:${rest}`;
  }
}
