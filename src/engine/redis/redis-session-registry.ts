import { Logger } from '@nestjs/common';
import type { PresenceCounts } from '@orderwire/contracts';
import type { RegisterResult, SessionEntry, SessionRegistry } from '../session-registry.js';
import { bindScripts, type RedisClient } from './lua-scripts.js';
import type { RedisKeys } from './redis-keys.js';
import { ReadCache } from './read-cache.js';

/**
 * KEYS: user set, tenant hash (one tenant's slot). ARGV: sessionId, perUser, perTenant, role.
 * Returns 1 (registered), -1 (user at cap), -2 (tenant at cap).
 */
const REGISTER = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
if tonumber(redis.call('HGET', KEYS[2], 'total') or '0') >= tonumber(ARGV[3]) then return -2 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('HINCRBY', KEYS[2], 'total', 1)
redis.call('HINCRBY', KEYS[2], ARGV[4], 1)
return 1`;

/** The same keys; ARGV: sessionId, role. Returns 1 if it was registered. */
const UNREGISTER = `
if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[2], 'total', -1)
redis.call('HINCRBY', KEYS[2], ARGV[2], -1)
return 1`;

/**
 * How old a tenant's presence counts read here may be: other nodes' connections and disconnections
 * show after at most this long; this node's own at once (they drop its copy).
 */
export const PRESENCE_CACHE_MS = 1000;
/** Tenants whose presence a node keeps a copy of, at most. */
const PRESENCE_CACHE_MAX = 10_000;

const ALIVE_EVERY_MS = 5000;
const ALIVE_TTL_MS = 15_000;

/**
 * Sessions, caps and revocations for the whole cluster. Each node keeps a heartbeat key; when a
 * node dies without saying goodbye, the first surviving node to notice releases its sessions, so
 * that caps and presence do not stay inflated.
 */
export class RedisSessionRegistry implements SessionRegistry {
  private readonly logger = new Logger(RedisSessionRegistry.name);
  private timer?: NodeJS.Timeout;

  /** The store's Lua scripts, called by SHA (lua-scripts.ts). */
  private readonly lua: ReturnType<typeof scriptsOf>;
  /** Presence per tenant (read for every order.place and the admin feed; see PRESENCE_CACHE_MS). */
  private readonly counts = new ReadCache<PresenceCounts>(PRESENCE_CACHE_MS, PRESENCE_CACHE_MAX);

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly nodeId: string,
  ) {
    this.lua = scriptsOf(redis);
  }

  /** Starts the heartbeat and the clean-up of dead nodes. */
  start(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), ALIVE_EVERY_MS);
    this.timer.unref();
  }

  /** Stops the heartbeat (what a forced shutdown does: survivors release the sessions later). */
  halt(): void {
    clearInterval(this.timer);
  }

  /** Stops the heartbeat and releases this node's sessions (a graceful goodbye). */
  async stop(): Promise<void> {
    this.halt();
    try {
      await this.release(this.nodeId);
      await this.redis.multi().del(this.keys.alive(this.nodeId)).srem(this.keys.nodes, this.nodeId).exec();
    } catch (err) {
      this.logger.warn({ err }, 'could not release this node’s sessions');
    }
  }

  /**
   * The caps and counts in one script on the tenant's slot; then the node's set, on the node's
   * slot (Redis Cluster cannot write both at once). The node's set is sent first: should the node
   * die between the two, the clean-up finds a member without a session and skips it (UNREGISTER
   * returns 0), while a session counted but in no node's set would hold its caps for good.
   */
  async register(entry: SessionEntry, caps: { perUser: number; perTenant: number }): Promise<RegisterResult> {
    const m = member(entry);
    // Sent first and not awaited first: on one Redis both go in one round trip, in this order.
    const listed = this.redis.sadd(this.keys.nodeSessions(this.nodeId), m);
    listed.catch(() => undefined); // awaited below, unless the script fails first
    const result = (await this.lua.sessionRegister(
      2,
      this.keys.userSessions(entry.tenantId, entry.userKey),
      this.keys.tenantSessions(entry.tenantId),
      entry.sessionId,
      caps.perUser,
      caps.perTenant,
      entry.role,
    )) as number;
    await listed;
    if (result !== 1) await this.redis.srem(this.keys.nodeSessions(this.nodeId), m);
    this.counts.invalidate(entry.tenantId);
    if (result === -1) return { ok: false, reason: 'user' };
    if (result === -2) return { ok: false, reason: 'tenant' };
    return { ok: true };
  }

  /** The counts first, then the node's set (the reverse of register, for the same reason). */
  async unregister(entry: SessionEntry, nodeId = this.nodeId): Promise<boolean> {
    const result = (await this.lua.sessionUnregister(
      2,
      this.keys.userSessions(entry.tenantId, entry.userKey),
      this.keys.tenantSessions(entry.tenantId),
      entry.sessionId,
      entry.role,
    )) as number;
    await this.redis.srem(this.keys.nodeSessions(nodeId), member(entry));
    this.counts.invalidate(entry.tenantId);
    return result === 1;
  }

  presence(tenantId: string): Promise<PresenceCounts> {
    return this.counts.get(tenantId, () => this.readPresence(tenantId));
  }

  private async readPresence(tenantId: string): Promise<PresenceCounts> {
    const [customer, crew, admin] = await this.redis.hmget(
      this.keys.tenantSessions(tenantId),
      'customer',
      'crew',
      'admin',
    );
    return { customer: Number(customer ?? 0), crew: Number(crew ?? 0), admin: Number(admin ?? 0) };
  }

  async revoke(userKey: string, at: number, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.revoked(userKey), String(at), 'PX', ttlMs);
  }

  async revokedAt(userKey: string): Promise<number | undefined> {
    const raw = await this.redis.get(this.keys.revoked(userKey));
    return raw === null ? undefined : Number(raw);
  }

  private async beat(): Promise<void> {
    try {
      await this.redis
        .multi()
        .set(this.keys.alive(this.nodeId), String(Date.now()), 'PX', ALIVE_TTL_MS)
        .sadd(this.keys.nodes, this.nodeId)
        .exec();
      for (const node of await this.redis.smembers(this.keys.nodes)) {
        if (node === this.nodeId || (await this.redis.exists(this.keys.alive(node)))) continue;
        // SREM decides which survivor cleans up, so it happens once.
        if ((await this.redis.srem(this.keys.nodes, node)) === 1) {
          const released = await this.release(node);
          this.logger.warn({ node, released }, 'released the sessions of a node that stopped answering');
        }
      }
    } catch (err) {
      this.logger.debug({ err }, 'session heartbeat failed');
    }
  }

  private async release(nodeId: string): Promise<number> {
    const members = await this.redis.smembers(this.keys.nodeSessions(nodeId));
    for (const m of members) await this.unregister(parse(m), nodeId);
    await this.redis.del(this.keys.nodeSessions(nodeId));
    return members.length;
  }
}

function member(e: SessionEntry): string {
  return JSON.stringify([e.sessionId, e.userKey, e.tenantId, e.role]);
}

function parse(m: string): SessionEntry {
  const [sessionId, userKey, tenantId, role] = JSON.parse(m) as [
    string,
    string,
    string,
    SessionEntry['role'],
  ];
  return { sessionId, userKey, tenantId, role };
}

const scriptsOf = (redis: RedisClient) =>
  bindScripts(redis, { sessionRegister: REGISTER, sessionUnregister: UNREGISTER });
