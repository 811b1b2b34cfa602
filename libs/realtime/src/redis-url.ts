import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

/**
 * Redis behind Sentinel, named by one URL, so that every setting that takes a Redis URL (the hub's
 * REDIS_URL and REDIS_*_URL, a service's `redis.url`) can take it:
 *
 *   redis+sentinel://[[user]:password@]host[:port][,host[:port]…]/<primary name>[/<db>][?options]
 *
 * The hosts are the sentinels (port 26379 when left out); the user and password are the primary's
 * (and its replicas'), as in `redis://`. `rediss+sentinel://` uses TLS to the sentinels and to
 * the primary. Options: `sentinelUsername`, `sentinelPassword` (sentinels with their own ACL).
 * Clients ask the sentinels for the primary, and leave it the moment the sentinels announce a new
 * one (ioredis' `failoverDetector`, a `+switch-master` subscription on each sentinel): without
 * it, a client keeps writing to the old primary until Sentinel gets round to making it a replica
 * (up to seconds after a manual failover), and those writes are lost when it resyncs.
 */
export const SENTINEL_SCHEMES = ['redis+sentinel:', 'rediss+sentinel:'] as const;

/** At most this many sentinels in one URL (a deployment runs three or five). */
export const MAX_SENTINELS = 16;

const NAME = /^[A-Za-z0-9._-]{1,128}$/;
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])$/;
const OPTIONS = new Set(['sentinelUsername', 'sentinelPassword']);

/** What is wrong with a Redis URL; the message never repeats a password. */
export class RedisUrlError extends Error {}

/** The sentinel scheme `url` starts with, whatever its case. */
function sentinelScheme(url: string): (typeof SENTINEL_SCHEMES)[number] | undefined {
  return SENTINEL_SCHEMES.find((s) => url.toLowerCase().startsWith(`${s}//`));
}

/** Whether `url` names Redis through Sentinel. */
export function isSentinelUrl(url: string): boolean {
  return sentinelScheme(url) !== undefined;
}

/** The ioredis options of a `redis+sentinel://` URL (see SENTINEL_SCHEMES); throws RedisUrlError. */
export function sentinelOptions(url: string): RedisOptions {
  const scheme = sentinelScheme(url);
  if (!scheme) throw new RedisUrlError(`not a ${SENTINEL_SCHEMES.join(' or ')} URL`);
  const rest = url.slice(scheme.length + 2);
  const [beforeQuery, query = ''] = splitOnce(rest, '?');
  const slash = beforeQuery.indexOf('/');
  if (slash < 0) throw new RedisUrlError('the primary name is missing: …/<name>');
  const authority = beforeQuery.slice(0, slash);
  const path = beforeQuery.slice(slash + 1).split('/');
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : undefined;
  const hosts = authority.slice(at + 1).split(',');
  if (hosts.length > MAX_SENTINELS) throw new RedisUrlError(`more than ${MAX_SENTINELS} sentinels`);
  const sentinels = hosts.map((entry, i) => hostPort(entry, `sentinel ${i + 1} of ${hosts.length}`));
  const [name, db, ...extra] = path;
  if (!name || !NAME.test(name)) throw new RedisUrlError('the primary name: 1-128 of A-Z a-z 0-9 . _ -');
  if (extra.length > 0) throw new RedisUrlError('the path is /<primary name>[/<db>]');
  const options: RedisOptions = { sentinels, name, failoverDetector: true };
  if (db !== undefined && db !== '') {
    if (!/^\d{1,5}$/.test(db)) throw new RedisUrlError('the database: a number');
    options.db = Number(db);
  }
  if (userinfo !== undefined) {
    const [user, password] = splitOnce(userinfo, ':');
    if (user) options.username = decode(user);
    if (password) options.password = decode(password);
  }
  for (const [key, value] of new URLSearchParams(query)) {
    if (!OPTIONS.has(key)) {
      // Named only when it looks like a name (an unencoded `&` in a password makes a fragment of it a key).
      const named = /^[A-Za-z]{1,32}$/.test(key) ? ` ${key}` : '';
      throw new RedisUrlError(`unknown option${named} (known: ${[...OPTIONS].join(', ')})`);
    }
    if (key === 'sentinelUsername') options.sentinelUsername = value;
    else options.sentinelPassword = value;
  }
  if (scheme === 'rediss+sentinel:') {
    options.tls = {};
    options.enableTLSForSentinelMode = true;
    options.sentinelTLS = {};
  }
  return options;
}

/**
 * A client for `url` with `options` on top: a `redis://` or `rediss://` URL is left to ioredis to
 * read, a sentinel URL becomes its options (sentinelOptions; throws RedisUrlError). A cluster URL
 * is refused here: where a Redis Cluster may be used, callers take createRedisClient.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  if (isClusterUrl(url)) throw new RedisUrlError('a Redis Cluster URL cannot be used here');
  if (!isSentinelUrl(url)) return new Redis(url, options);
  return endsItsSentinelWatch(new Redis({ ...sentinelOptions(url), ...options }));
}

/**
 * Redis Cluster, named by one URL (issue #34; where it may be used, docs/scaling.md says):
 *
 *   redis+cluster://[[user]:password@]host[:port][,host[:port]…][?options]
 *
 * The hosts are seed nodes (port 6379 when left out; the client learns the rest of the cluster
 * from them); the user and password are every node's. `rediss+cluster://` uses TLS. Options, for
 * clusters behind an address translation or a cloud endpoint: `natMap=10.0.0.1:6379>203.0.113.1:7001,…`
 * (the address a node announces > the one to reach it at) and `dnsLookup=passthrough` (connect
 * to host names as given instead of resolving them first: TLS endpoints whose certificates name
 * the host, as AWS ElastiCache's).
 */
export const CLUSTER_SCHEMES = ['redis+cluster:', 'rediss+cluster:'] as const;

/** At most this many seed nodes in one URL. */
export const MAX_CLUSTER_SEEDS = 16;
/** At most this many natMap entries (one per node of a large cluster). */
export const MAX_NAT_ENTRIES = 256;
const CLUSTER_OPTIONS = new Set(['natMap', 'dnsLookup']);

function clusterScheme(url: string): (typeof CLUSTER_SCHEMES)[number] | undefined {
  return CLUSTER_SCHEMES.find((s) => url.toLowerCase().startsWith(`${s}//`));
}

/** Whether `url` names a Redis Cluster. */
export function isClusterUrl(url: string): boolean {
  return clusterScheme(url) !== undefined;
}

/** The seed nodes and ioredis Cluster options of a cluster URL (see CLUSTER_SCHEMES); throws RedisUrlError. */
export function clusterOptions(url: string): {
  nodes: Array<{ host: string; port: number }>;
  options: ClusterOptions;
} {
  const scheme = clusterScheme(url);
  if (!scheme) throw new RedisUrlError(`not a ${CLUSTER_SCHEMES.join(' or ')} URL`);
  const [beforeQuery, query = ''] = splitOnce(url.slice(scheme.length + 2), '?');
  const [authority, path] = splitOnce(beforeQuery, '/');
  if (path !== undefined && path !== '') throw new RedisUrlError('a cluster has no database: no path');
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : undefined;
  const hosts = authority.slice(at + 1).split(',');
  if (hosts.length > MAX_CLUSTER_SEEDS) throw new RedisUrlError(`more than ${MAX_CLUSTER_SEEDS} seed nodes`);
  const nodes = hosts.map((entry, i) => hostPort(entry, `node ${i + 1} of ${hosts.length}`, 6379));
  const redisOptions: RedisOptions = {};
  if (userinfo !== undefined) {
    const [user, password] = splitOnce(userinfo, ':');
    if (user) redisOptions.username = decode(user);
    if (password) redisOptions.password = decode(password);
  }
  if (scheme === 'rediss+cluster:') redisOptions.tls = {};
  const options: ClusterOptions = { redisOptions };
  for (const [key, value] of new URLSearchParams(query)) {
    if (!CLUSTER_OPTIONS.has(key)) {
      const named = /^[A-Za-z]{1,32}$/.test(key) ? ` ${key}` : '';
      throw new RedisUrlError(`unknown option${named} (known: ${[...CLUSTER_OPTIONS].join(', ')})`);
    }
    if (key === 'dnsLookup') {
      if (value !== 'passthrough') throw new RedisUrlError('dnsLookup: only passthrough');
      options.dnsLookup = (address, callback) => callback(null, address);
    } else {
      options.natMap = natMapOf(value);
    }
  }
  return { nodes, options };
}

/** `announced>reachable,…`, each `host:port`. */
function natMapOf(value: string): Record<string, { host: string; port: number }> {
  const entries = value.split(',');
  if (entries.length > MAX_NAT_ENTRIES)
    throw new RedisUrlError(`natMap: more than ${MAX_NAT_ENTRIES} entries`);
  const map: Record<string, { host: string; port: number }> = {};
  entries.forEach((entry, i) => {
    const [from, to] = splitOnce(entry, '>');
    const which = `natMap entry ${i + 1} of ${entries.length}`;
    if (to === undefined) throw new RedisUrlError(`${which}: announced:port>reachable:port`);
    const announced = hostPort(from, which, 6379);
    map[`${announced.host}:${announced.port}`] = hostPort(to, which, 6379);
  });
  return map;
}

/** Whether `client` is a Redis Cluster's (ioredis marks its Cluster with `isCluster`). */
export function isClusterClient(client: Redis | Cluster): client is Cluster {
  return (client as { isCluster?: unknown }).isCluster === true;
}

/** A client for a Redis URL that may name a Redis Cluster (see createRedis, CLUSTER_SCHEMES). */
export function createRedisClient(url: string, options: RedisOptions = {}): Redis | Cluster {
  if (!isClusterUrl(url)) return createRedis(url, options);
  const { nodes, options: cluster } = clusterOptions(url);
  // What the caller sets for the client (offline queue, retries per request) is the cluster's;
  // the rest (connection names, timeouts) goes to each node's connection.
  const { enableOfflineQueue, maxRetriesPerRequest, ...perNode } = options;
  return new Cluster(nodes, {
    ...cluster,
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    redisOptions: {
      ...cluster.redisOptions,
      ...perNode,
      ...(maxRetriesPerRequest !== undefined ? { maxRetriesPerRequest } : {}),
    },
  });
}

/**
 * ioredis (6.0.0) ends the failover detector's sentinel subscriptions in `disconnect()` only: a
 * client ended with QUIT, as BullMQ ends its connections, leaves them open and reconnecting every
 * minute for good (a leak, and a process that never exits). Here a client that has ended is
 * also disconnected (public API; a second disconnect does nothing else), and so is every
 * duplicate made from it (BullMQ's workers duplicate their connection).
 * test/redis-sentinel.e2e-spec.ts checks it against a real sentinel.
 */
function endsItsSentinelWatch(client: Redis): Redis {
  client.on('end', () => client.disconnect());
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (override?: Partial<RedisOptions>) => endsItsSentinelWatch(duplicate(override));
  return client;
}

/** `which` names the entry in errors: never its text, which may hold a misplaced password. */
function hostPort(entry: string, which: string, defaultPort = 26379): { host: string; port: number } {
  const m = /^(.*?)(?::(\d{1,5}))?$/.exec(entry)!;
  const host = m[1]!;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!HOST.test(host)) throw new RedisUrlError(`${which}: the host is not a host name or address`);
  if (port < 1 || port > 65535) throw new RedisUrlError(`${which}: the port is out of range`);
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, port };
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new RedisUrlError('the user or password is not valid percent-encoding');
  }
}
