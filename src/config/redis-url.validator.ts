import {
  clusterOptions,
  isClusterUrl,
  isSentinelUrl,
  RedisUrlError,
  sentinelOptions,
} from '@orderwire/realtime';
import { isURL, ValidateBy, type ValidationArguments } from 'class-validator';

/**
 * Why `value` is not a Redis URL the hub takes, or undefined when it is one. A Redis Cluster
 * (`redis+cluster://`) only where `cluster` allows it: the store, the sessions and the queues,
 * not yet the Socket.IO adapter (docs/scaling.md).
 */
export function redisUrlProblem(value: unknown, cluster = false): string | undefined {
  if (typeof value !== 'string') return 'not a string';
  const parse = isSentinelUrl(value) ? sentinelOptions : isClusterUrl(value) ? clusterOptions : undefined;
  if (isClusterUrl(value) && !cluster)
    return 'a Redis Cluster carries the store, sessions and queues (REDIS_URL, REDIS_SESSIONS_URL, REDIS_QUEUES_URL), not yet the Socket.IO adapter (docs/scaling.md)';
  if (parse) {
    try {
      parse(value);
      return undefined;
    } catch (err) {
      if (err instanceof RedisUrlError) return err.message;
      throw err;
    }
  }
  const plain = isURL(value, { protocols: ['redis', 'rediss'], require_tld: false });
  return plain ? undefined : 'not a redis://, rediss://, redis+sentinel:// or redis+cluster:// URL';
}

/**
 * A Redis URL: `redis://`, `rediss://`, Sentinel's `redis+sentinel://`, and with `{ cluster: true }`
 * a Redis Cluster's `redis+cluster://` (libs/realtime redis-url.ts).
 */
export function IsRedisUrl(opts: { cluster?: boolean } = {}): PropertyDecorator {
  return ValidateBy({
    name: 'isRedisUrl',
    validator: {
      validate: (value: unknown) => redisUrlProblem(value, opts.cluster) === undefined,
      // The reason only: the value may hold a password.
      defaultMessage: (args?: ValidationArguments) =>
        redisUrlProblem(args?.value, opts.cluster) ?? 'not a Redis URL',
    },
  });
}
