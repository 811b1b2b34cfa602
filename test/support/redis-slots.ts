import { createRequire } from 'node:module';
import { type Cluster, Redis } from 'ioredis';

/** The Redis Cluster slot of a key (CRC16 of its hash tag or of the whole key, mod 16384). */
export const slotOf = createRequire(import.meta.url)('cluster-key-slot') as (key: string) => number;

/** A command as Redis saw it (MONITOR): its arguments and the client that sent it. */
interface Seen {
  args: string[];
  source: string;
}

/** A command, script or transaction whose keys hash to more than one slot. */
export interface CrossSlot {
  /** `script <name>`, `multi <cmd,cmd,…>` or the command's name. */
  what: string;
  keys: string[];
}

/**
 * Records every command a Redis server executes (MONITOR, so from every client, scripts by
 * their SHA or text) until `analyse` is called, which says which ones touched keys on more than one
 * Redis Cluster slot. Only keys `mine` accepts count (the engine's prefix, say).
 */
export async function recordSlots(url: string): Promise<{
  analyse(mine: (key: string) => boolean, scripts: Map<string, string>): Promise<SlotReport>;
}> {
  const watcher = new Redis(url);
  const monitor = await watcher.monitor();
  const seen: Seen[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ args, source }));
  return {
    async analyse(mine, scripts) {
      await new Promise((r) => setTimeout(r, 50)); // the last lines in flight
      monitor.disconnect();
      const report = await analyse(watcher, seen.slice(), mine, scripts);
      watcher.disconnect();
      return report;
    },
  };
}

export interface SlotReport {
  crossSlot: CrossSlot[];
  /** Script names called at least once, whatever their keys. */
  scriptsCalled: Set<string>;
  /** Commands whose keys were looked at (for a sanity bound). */
  commands: number;
}

async function analyse(
  client: Redis,
  seen: Seen[],
  mine: (key: string) => boolean,
  scripts: Map<string, string>,
): Promise<SlotReport> {
  const keysOf = await keysOfAll(client, seen);
  const crossSlot: CrossSlot[] = [];
  const scriptsCalled = new Set<string>();
  /** Per client, the transaction it has open: its commands' names and keys. */
  const open = new Map<string, { names: string[]; keys: string[] }>();
  const check = (what: string, keys: string[]) => {
    const ours = keys.filter(mine);
    if (new Set(ours.map(slotOf)).size > 1) crossSlot.push({ what, keys: ours });
  };
  seen.forEach(({ args, source }, i) => {
    const name = args[0]!.toLowerCase();
    if (name === 'multi') return void open.set(source, { names: [], keys: [] });
    if (name === 'exec' || name === 'discard') {
      const tx = open.get(source);
      open.delete(source);
      if (tx) check(`multi ${tx.names.join(',')}`, tx.keys);
      return;
    }
    const keys = keysOf[i]!;
    let what = name;
    if (name === 'evalsha' || name === 'eval') {
      const script = scripts.get(name === 'eval' ? textKey(args[1]!) : args[1]!) ?? 'unknown';
      if (keys.some(mine)) scriptsCalled.add(script);
      what = `script ${script}`;
    }
    const tx = open.get(source);
    if (tx) {
      tx.names.push(what);
      tx.keys.push(...keys);
    } else check(what, keys);
  });
  return { crossSlot, scriptsCalled, commands: seen.length };
}

/** Each command's keys: a script's from its key count, the rest from COMMAND GETKEYS. */
async function keysOfAll(client: Redis, seen: Seen[]): Promise<string[][]> {
  const out: string[][] = seen.map(() => []);
  const asked: number[] = [];
  const pipeline = client.pipeline();
  seen.forEach(({ args }, i) => {
    const name = args[0]!.toLowerCase();
    if (name === 'evalsha' || name === 'eval') out[i] = args.slice(3, 3 + Number(args[2]));
    else if (args.length >= 2 && !NO_KEYS.has(name)) {
      asked.push(i);
      pipeline.call('COMMAND', 'GETKEYS', ...args);
    }
  });
  const results = (await pipeline.exec()) ?? [];
  // A command without keys is an error here ("has no key arguments"): it has none.
  results.forEach(([err, keys], j) => {
    if (!err && Array.isArray(keys)) out[asked[j]!] = keys as string[];
  });
  return out;
}

/** Commands with arguments but no keys, not asked about. */
const NO_KEYS = new Set(['select', 'client', 'info', 'script', 'hello', 'auth', 'ping', 'config', 'command']);

/**
 * A script's text as a key that survives MONITOR's quoting (which escapes newlines and quotes):
 * its letters and digits only. An EVAL is a script's first call on a connection.
 */
const textKey = (text: string): string => `text:${text.replace(/\\[nrt]|[^A-Za-z0-9]/g, '')}`;

/** The scripts bound on clients (ioredis `defineCommand`, lua-scripts.ts), by SHA. */
export function scriptNames(...clients: Array<Redis | Cluster>): Map<string, string> {
  const out = new Map<string, string>();
  for (const client of clients) {
    const set = client.scriptsSet as Record<string, { sha: string; lua: string }>;
    for (const [command, script] of Object.entries(set)) {
      const name = command.replace(/^orderwire_/, '');
      out.set(script.sha, name);
      out.set(textKey(script.lua), name);
    }
  }
  return out;
}
