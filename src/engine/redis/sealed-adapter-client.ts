import type { Redis } from 'ioredis';
import type { Sealer } from './sealer.js';

type Fields = string[];
type Entry = [id: string, fields: Fields];
type XReadReply = Array<[stream: string, entries: Entry[]]> | null;
type Method = (...args: unknown[]) => Promise<unknown>;

const SEALED = 'enc:v1:';

/**
 * Seals what the Socket.IO streams adapter writes to Redis, with DATA_ENCRYPTION_KEY: the `data`
 * field of every stream entry (broadcast packets: envelopes, courier positions near a customer's
 * address) and every pub/sub payload (server-side emits, fetchSockets answers with session data).
 * It wraps the public methods of the ioredis client the adapter is given, and of each client
 * duplicated from it (the adapter's XREAD loop and its subscriber), so nothing in the adapter is
 * patched: the adapter writes and reads what it always did, and Redis holds it sealed. Values
 * written in clear (before the key was set) are read as they are.
 */
export function sealAdapterTraffic(client: Redis, sealer: Sealer): Redis {
  if (!sealer.enabled) return client;
  const wrap = (name: string, around: (original: Method) => Method): void => {
    const target = client as unknown as Record<string, Method>;
    const original = target[name]?.bind(client);
    if (original) target[name] = around(original);
  };
  wrap(
    'xadd',
    (xadd) =>
      (...args) =>
        xadd(...sealFields(args.flat() as string[], sealer)),
  );
  wrap(
    'xread',
    (xread) =>
      async (...args) =>
        openReply((await xread(...args)) as XReadReply, sealer),
  );
  wrap(
    'xrange',
    (xrange) =>
      async (...args) =>
        ((await xrange(...args)) as Entry[]).map((e) => openEntry(e, sealer)),
  );
  for (const name of ['publish', 'spublish']) {
    wrap(
      name,
      (publish) => (channel, payload) => publish(channel, sealPayload(payload as Buffer | string, sealer)),
    );
  }
  // The adapter's subscriber hears payloads through these events (util.js SUBSCRIBE, SSUBSCRIBE).
  const emit = client.emit.bind(client);
  client.emit = ((event: string | symbol, ...args: unknown[]) => {
    if ((event === 'messageBuffer' || event === 'smessageBuffer') && Buffer.isBuffer(args[1])) {
      args[1] = openPayload(args[1], sealer);
    }
    return emit(event, ...args);
  }) as Redis['emit'];
  const duplicate = client.duplicate.bind(client);
  client.duplicate = ((...args: Parameters<Redis['duplicate']>) =>
    sealAdapterTraffic(duplicate(...args), sealer)) as Redis['duplicate'];
  return client;
}

/** XADD's arguments with the value of each `data` field sealed (fields follow the id, `*`). */
function sealFields(args: string[], sealer: Sealer): string[] {
  const start = args.indexOf('*') + 1;
  if (start === 0) return args;
  const out = args.slice();
  for (let i = start; i + 1 < out.length; i += 2) {
    if (out[i] === 'data' && typeof out[i + 1] === 'string') out[i + 1] = sealer.seal(out[i + 1]);
  }
  return out;
}

function openEntry([id, fields]: Entry, sealer: Sealer): Entry {
  const out = fields.slice();
  for (let i = 0; i + 1 < out.length; i += 2) {
    if (out[i] === 'data' && out[i + 1].startsWith(SEALED)) out[i + 1] = sealer.open(out[i + 1]);
  }
  return [id, out];
}

function openReply(reply: XReadReply, sealer: Sealer): XReadReply {
  return reply && reply.map(([stream, entries]) => [stream, entries.map((e) => openEntry(e, sealer))]);
}

function sealPayload(payload: Buffer | string, sealer: Sealer): string {
  const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  return sealer.seal(bytes.toString('base64'));
}

function openPayload(payload: Buffer, sealer: Sealer): Buffer {
  const text = payload.toString('latin1', 0, SEALED.length);
  if (text !== SEALED) return payload;
  return Buffer.from(sealer.open(payload.toString('utf8')), 'base64');
}
