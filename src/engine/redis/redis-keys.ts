/**
 * Every Redis key of the hub, in one place, under REDIS_PREFIX. Redis Cluster runs a script or a
 * transaction only if all its keys hash to one slot, so keys carry hash tags (issue #34): a
 * tenant's keys `{<tenant>}`, so that one tenant lives on one shard and tenants spread over all;
 * the hub's fixed keys `{<prefix>}`, one slot. One Redis server ignores the tags: one layout for
 * both. test/engine/redis-engine.spec.ts checks that no command, script or transaction of the
 * engine spans two slots.
 */
export class RedisKeys {
  // Set in the constructor, not as field initializers: those run before a parameter property is
  // assigned (ES2022 class fields), which had put these keys under "undefined:", outside
  // REDIS_PREFIX. The fixed keys live apart from the per-tenant ones (`log:<tenant>`), so that
  // no tenant id (A-Z a-z 0-9 _ . -) can name one of them.
  /** Tenants with a log (TENANTS_MAX): what the prune walks to trim expired messages' entries. */
  readonly logTenants: string;
  /**
   * Every tenant's dead letters (ids, for platform admins and DEAD_LETTERS_MAX), `tenant|id` of
   * each by expiry time, and each letter's tenant by id: on the fixed slot, written apart from
   * the tenant's letters (RedisDeadLetters).
   */
  readonly deadLetterAll: string;
  readonly deadLetterExpiry: string;
  readonly deadLetterTenants: string;
  /** Tenants with orders (TENANTS_MAX): what the SLA sweep and the prune walk. */
  readonly orderTenants: string;
  readonly nodes: string;
  /** Tenants with a menu (MENU_MAX_TENANTS). */
  readonly menuTenants: string;
  /** Tenants with a store status (MENU_MAX_TENANTS), and those with a `wakeAt`, by its time. */
  readonly storeTenants: string;
  readonly storeWake: string;
  /** Every tenant's scheduled orders (`tenant|id`) by fire time: the sweep. */
  readonly scheduledAll: string;
  /** Every tenant's escalation steps (`step|tenant|id`) by time (docs/protocol.md section 14). */
  readonly orderWatch: string;
  /** A sealed canary per DATA_ENCRYPTION_KEY key id that sealed data still kept (keyring-canary.ts). */
  readonly keyring: string;
  /** The nodes' pub/sub channel (engine/redis/redis-cluster-bus.ts): a channel, not a key. */
  readonly bus: string;

  constructor(readonly prefix: string) {
    const fixed = (name: string) => this.k(`{${prefix}}:${name}`);
    this.nodes = fixed('nodes');
    this.orderTenants = fixed('ordidx:tenants');
    this.logTenants = fixed('logidx:tenants');
    this.deadLetterAll = fixed('dlidx:all');
    this.deadLetterExpiry = fixed('dlidx:expiry');
    this.deadLetterTenants = fixed('dlidx:tenant');
    this.menuTenants = fixed('menuidx:tenants');
    this.keyring = fixed('keyring:canary');
    this.storeTenants = fixed('storeidx:tenants');
    this.storeWake = fixed('storeidx:wake');
    this.scheduledAll = fixed('orders:scheduled');
    this.orderWatch = fixed('orders:watch');
    this.bus = this.k('bus');
  }

  // A tenant's log, on its slot: its messages, their ids by seq, the seq and epoch its cursors
  // carry, the highest seq pruned (a cursor below it may have missed messages), and each
  // message's size with their sum (MESSAGE_RETENTION_MAX[_BYTES] per tenant).
  message = (tenantId: string, id: string): string => this.k(`msg:{${tenantId}}:${id}`);
  log = (tenantId: string): string => this.k(`log:{${tenantId}}`);
  logSeq = (tenantId: string): string => this.k(`log:seq:{${tenantId}}`);
  logEpoch = (tenantId: string): string => this.k(`log:epoch:{${tenantId}}`);
  floor = (tenantId: string): string => this.k(`log:floor:{${tenantId}}`);
  logSizes = (tenantId: string): string => this.k(`log:sizes:{${tenantId}}`);
  logBytes = (tenantId: string): string => this.k(`log:bytes:{${tenantId}}`);
  /** A tenant's dead letters (ids, DEAD_LETTERS_PER_TENANT), and each letter (with a TTL). */
  deadLetters = (tenantId: string): string => this.k(`dl:{${tenantId}}`);
  deadLetter = (tenantId: string, id: string): string => this.k(`dl:msg:{${tenantId}}:${id}`);

  order = (tenantId: string, orderId: string): string => this.k(`order:{${tenantId}}:${orderId}`);
  active = (tenantId: string): string => this.k(`orders:active:{${tenantId}}`);
  /** A tenant's final orders by when they became final (ORDER_RETENTION_MAX per tenant). */
  finals = (tenantId: string): string => this.k(`orders:final:{${tenantId}}`);
  customerOrders = (tenantId: string, customerId: string): string =>
    this.k(`orders:customer:{${tenantId}}:${customerId}`);
  /** A tenant's scheduled orders (ids) by fire time (MAX_SCHEDULED_ORDERS_PER_TENANT). */
  scheduled = (tenantId: string): string => this.k(`orders:scheduled:{${tenantId}}`);
  /** How many orders the tenant has numbered on business `day` (YYYY-MM-DD). */
  orderNumbers = (tenantId: string, day: string): string => this.k(`ordnum:{${tenantId}}:${day}`);

  /** A stored first result (`<userKey>|<requestId>`): IdempotencyStore. */
  idempotency = (tenantId: string, member: string): string => this.k(`idem:{${tenantId}}:${member}`);
  /** Stored results by last use, of one user, and of their tenant (IDEMPOTENCY_KEYS_MAX). */
  idempotencyByUser = (tenantId: string, owner: string): string =>
    this.k(`idemidx:user:{${tenantId}}:${owner}`);
  idempotencyByTenant = (tenantId: string): string => this.k(`idemidx:{${tenantId}}`);

  /** A tenant's audit trail (a stream). */
  audit = (tenantId: string): string => this.k(`audit:{${tenantId}}`);
  /** A tenant's menu: `content` (JSON), `version`, `updatedAt`, and `a:<sku>` availability marks. */
  menu = (tenantId: string): string => this.k(`menu:{${tenantId}}`);

  /** A tenant's store status: `s` (the record as JSON) and `v` (its version). */
  storeStatus = (tenantId: string): string => this.k(`store:{${tenantId}}`);

  /** The last position relayed for an order out for delivery (sealed JSON, with a TTL). */
  courierPosition = (tenantId: string, orderId: string): string =>
    this.k(`courier:pos:{${tenantId}}:${orderId}`);
  /** A tenant's newest prep-time samples (`key|minutes|at`, newest first). */
  prepSamples = (tenantId: string): string => this.k(`eta:{${tenantId}}`);
  /** A tenant's finished orders of business `day` (YYYY-MM-DD): order id to entry (section 15). */
  dayBook = (tenantId: string, day: string): string => this.k(`daybook:{${tenantId}}:${day}`);
  /** Who of the crew first acknowledged an order's `order.created` (with a TTL). */
  seen = (tenantId: string, orderId: string): string => this.k(`seen:{${tenantId}}:${orderId}`);
  /** A delivery order's hand-over code: `c` (sealed) and `f` (wrong tries). */
  handoff = (tenantId: string, orderId: string): string => this.k(`handoff:{${tenantId}}:${orderId}`);

  /** A user's sessions: on their tenant's slot, with the tenant's counts (the REGISTER script). */
  userSessions = (tenantId: string, userKey: string): string => this.k(`sess:user:{${tenantId}}:${userKey}`);
  tenantSessions = (tenantId: string): string => this.k(`sess:tenant:{${tenantId}}`);
  /** A node's sessions, for the clean-up after it died: on the node's own slot. */
  nodeSessions = (nodeId: string): string => this.k(`sess:node:{${nodeId}}`);
  /** A node's heartbeat: on the fixed slot, with `nodes` (one transaction writes both). */
  alive = (nodeId: string): string => this.k(`{${this.prefix}}:node:alive:${nodeId}`);
  revoked = (userKey: string): string => this.k(`revoked:${userKey}`);

  private k(rest: string): string {
    return `${this.prefix}:${rest}`;
  }
}
