import type { Cluster, Redis } from 'ioredis';

/** A client of one Redis (or a primary behind Sentinel) or of a Redis Cluster: the store's. */
export type RedisClient = Redis | Cluster;

/** A Lua script bound to a client: `(numberOfKeys, ...keys, ...args)`, like EVAL's arguments. */
export type LuaScript = (numberOfKeys: number, ...keysAndArgs: Array<string | number>) => Promise<unknown>;

/**
 * Binds Lua scripts to a client through ioredis' `defineCommand`: each call is an EVALSHA (40
 * bytes) rather than an EVAL carrying the script's text (up to 1.5 KiB, hashed by Redis on every
 * call); ioredis sends the text once per connection and again after a NOSCRIPT (a restarted or
 * flushed Redis). The command names are prefixed `orderwire_`; a name already bound to another
 * script on the same client is refused, so two stores cannot shadow each other's scripts.
 */
export function bindScripts<K extends string>(
  redis: RedisClient,
  scripts: Record<K, string>,
): Record<K, LuaScript> {
  const out = {} as Record<K, LuaScript>;
  const defined = redis.scriptsSet as Record<string, { lua: string } | undefined>;
  for (const [name, lua] of Object.entries(scripts) as Array<[K, string]>) {
    const command = `orderwire_${name}`;
    const existing = defined[command];
    if (existing && existing.lua !== lua) throw new Error(`a different script is bound as ${command}`);
    if (!existing) redis.defineCommand(command, { lua });
    const call = (redis as unknown as Record<string, LuaScript>)[command]!;
    out[name] = (...args) => call.apply(redis, args);
  }
  return out;
}
