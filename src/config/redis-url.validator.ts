import { isSentinelUrl, RedisUrlError, sentinelOptions } from '@orderwire/realtime';
import { isURL, ValidateBy, type ValidationArguments } from 'class-validator';

/** Why `value` is not a Redis URL the hub takes, or undefined when it is one. */
export function redisUrlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'not a string';
  if (isSentinelUrl(value)) {
    try {
      sentinelOptions(value);
      return undefined;
    } catch (err) {
      if (err instanceof RedisUrlError) return err.message;
      throw err;
    }
  }
  const plain = isURL(value, { protocols: ['redis', 'rediss'], require_tld: false });
  return plain ? undefined : 'not a redis://, rediss:// or redis+sentinel:// URL';
}

/** A Redis URL: `redis://`, `rediss://`, or Sentinel's `redis+sentinel://` (libs/realtime redis-url.ts). */
export function IsRedisUrl(): PropertyDecorator {
  return ValidateBy({
    name: 'isRedisUrl',
    validator: {
      validate: (value: unknown) => redisUrlProblem(value) === undefined,
      // The reason only: the value may hold a password.
      defaultMessage: (args?: ValidationArguments) => redisUrlProblem(args?.value) ?? 'not a Redis URL',
    },
  });
}
