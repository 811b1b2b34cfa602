import type { DurableType, Envelope } from '@orderwire/contracts';
import { keptJson } from '../util/encoded-json.js';
import type { Targets } from './message-store.js';

/** A stored durable message on its way to the other nodes, each of which delivers it locally. */
export interface FanoutMessage {
  envelope: Envelope<DurableType>;
  targets: Targets;
  publishedAt: number;
  /** A deliberate re-delivery of a message released before (a retried service job): not ordered. */
  again?: boolean;
}

/**
 * Events to every other node over the Socket.IO cluster adapter (transport/connections.ts): the
 * bus of the release before (AdapterClusterBus), kept for rolling upgrades.
 */
export interface BusChannel {
  on(event: string, listener: (...args: unknown[]) => void): void;
  send(event: string, ...args: unknown[]): void;
}

/**
 * How nodes tell each other about durable messages, and small notices (a menu changed). The redis
 * engine's is its own Redis pub/sub (redis/redis-cluster-bus.ts), behind the engine like
 * Centrifugo's broker; the memory engine has one node and nobody to tell.
 */
export interface ClusterBus {
  /**
   * Starts handing other nodes' durable messages to `onMessage`; `channel` is the transport's
   * (undefined before its namespaces exist), used by the adapter's bus of the release before.
   */
  bind(channel: BusChannel | undefined, onMessage: (msg: FanoutMessage) => void): void;
  publish(msg: FanoutMessage): void;
  /**
   * Tells every other node `payload` under `topic`, best effort (a notice sent while Redis is
   * away, or before the bus is bound, is lost): for caches that also expire on their own.
   */
  notify(topic: string, payload: string): void;
  /** Hears other nodes' notices of `topic`. */
  onNotice(topic: string, listener: (payload: string) => void): void;
}

/** One node: nobody else to tell. */
export class LocalClusterBus implements ClusterBus {
  bind(): void {}
  publish(): void {}
  notify(): void {}
  onNotice(): void {}
}

/** Durable messages, a batch per event-loop turn (see publish). */
const BATCH = 'orderwire:fanout:batch';
/** One message: what nodes before batching sent, still heard during a rolling upgrade. */
const ONE = 'orderwire:fanout';
const NOTICE = 'orderwire:notice';
/** Messages per batch at most (a larger turn sends several). */
const BATCH_MAX = 256;
/**
 * The mark a node on CLUSTER_BUS=both puts on what it also sends over Redis: another such node
 * heard it there and drops the adapter's copy; a node of the release before ignores the mark.
 */
const MARK = 'redis';

/**
 * A turn's durable messages go out together once its I/O callbacks and their promise
 * continuations ran (setImmediate): a turn that read many Redis replies at once (the appends of
 * many commands) publishes them in one message, one encoding and one write. Subclasses say how a
 * batch (its JSON text, at most BATCH_MAX messages) and a notice travel.
 */
export abstract class BatchingClusterBus implements ClusterBus {
  /** Set by bind: until then nothing is queued (there is nobody to send to yet). */
  protected onMessage?: (msg: FanoutMessage) => void;
  private batch: FanoutMessage[] = [];
  private readonly notices = new Map<string, Array<(payload: string) => void>>();

  /** `mark`: a field each message of a batch carries (CLUSTER_BUS=both's adapter leg). */
  constructor(protected readonly mark?: string) {}

  abstract bind(channel: BusChannel | undefined, onMessage: (msg: FanoutMessage) => void): void;
  abstract notify(topic: string, payload: string): void;
  /** Sends one batch; a throw is caught (the other nodes read what it lost from the log). */
  protected abstract sendBatch(json: string): void;

  publish(msg: FanoutMessage): void {
    if (!this.onMessage) return;
    this.batch.push(msg);
    if (this.batch.length === 1) setImmediate(() => this.flush());
  }

  onNotice(topic: string, listener: (payload: string) => void): void {
    let list = this.notices.get(topic);
    if (!list) this.notices.set(topic, (list = []));
    list.push(listener);
  }

  protected heardNotice(topic: string, payload: string): void {
    for (const listener of this.notices.get(topic) ?? []) listener(payload);
  }

  protected heardBatch(batch: unknown): void {
    const onMessage = this.onMessage;
    if (onMessage) for (const m of parseBatch(batch)) onMessage(m);
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = [];
    for (let i = 0; i < batch.length; i += BATCH_MAX) {
      try {
        this.sendBatch(batchJson(batch.slice(i, i + BATCH_MAX), this.mark));
      } catch {
        // Not sent (the connection closing, say): the other nodes read these from the log, as
        // any message the bus lost (delivery/sequencer.ts). A throw here would end the process.
      }
    }
  }
}

/**
 * The release before's bus, through the channel the transport gives (the Socket.IO cluster
 * adapter's server-side events, Redis pub/sub with the streams adapter 0.3: best effort, in order
 * per publishing node): kept for one release so that a rolling upgrade (CLUSTER_BUS=both) and a
 * roll-back (CLUSTER_BUS=adapter) keep every node hearing every other. A node that misses a
 * message (Redis gone for a while) reads it from the log when the next one shows the gap
 * (delivery/sequencer.ts).
 *
 * `marked`: this node also sends everything over Redis (RedisClusterBus), so it marks what it
 * sends here and drops what it hears here marked by another such node (it heard that over Redis).
 */
export class AdapterClusterBus extends BatchingClusterBus {
  private channel?: BusChannel;

  constructor(marked = false) {
    super(marked ? MARK : undefined);
  }

  bind(channel: BusChannel | undefined, onMessage: (msg: FanoutMessage) => void): void {
    if (!channel) return;
    this.channel = channel;
    this.onMessage = onMessage;
    channel.on(BATCH, (batch: unknown) => this.heardBatch(batch));
    channel.on(ONE, (msg: unknown) => this.heardBatch([msg]));
    channel.on(NOTICE, (topic: unknown, payload: unknown, heardMark: unknown) => {
      if (!(this.mark && heardMark === this.mark)) this.heardNotice(topic as string, payload as string);
    });
  }

  notify(topic: string, payload: string): void {
    if (this.mark) this.channel?.send(NOTICE, topic, payload, this.mark);
    else this.channel?.send(NOTICE, topic, payload);
  }

  protected override heardBatch(batch: unknown): void {
    if (!this.mark) return super.heardBatch(batch);
    super.heardBatch(parseBatch(batch).filter((m) => (m as { via?: string }).via !== this.mark));
  }

  /**
   * The batch goes as the bytes of its JSON: the adapter's msgpack then copies one buffer,
   * instead of walking every envelope field by field in JavaScript (12 % of a node's CPU at
   * 1,800 orders/s, paid again by every node that decodes it, the sender included: pub/sub echoes
   * to it); a string would still be measured character by character (`utf8Count`, 3 %).
   */
  protected sendBatch(json: string): void {
    this.channel?.send(BATCH, Buffer.from(json));
  }
}

/**
 * Both buses at once (CLUSTER_BUS=both, during a rolling upgrade from the release whose bus rode
 * the adapter): everything is sent on both; what came over Redis is heard there, and the
 * adapter's copy of it dropped by its mark; what an older node sent is heard on the adapter.
 */
export class UpgradeClusterBus implements ClusterBus {
  constructor(
    private readonly redis: ClusterBus,
    private readonly adapter: ClusterBus,
  ) {}

  bind(channel: BusChannel | undefined, onMessage: (msg: FanoutMessage) => void): void {
    this.redis.bind(channel, onMessage);
    this.adapter.bind(channel, onMessage);
  }

  publish(msg: FanoutMessage): void {
    this.redis.publish(msg);
    this.adapter.publish(msg);
  }

  notify(topic: string, payload: string): void {
    this.redis.notify(topic, payload);
    this.adapter.notify(topic, payload);
  }

  onNotice(topic: string, listener: (payload: string) => void): void {
    this.redis.onNotice(topic, listener);
    this.adapter.onNotice(topic, listener);
  }
}

/**
 * JSON.stringify(batch), with each envelope's JSON taken from the envelope where it was kept
 * (DeliveryService.release keeps it; the encoder writes the same JSON to this node's sockets).
 */
export function batchJson(batch: FanoutMessage[], via?: string): string {
  let out = '[';
  for (let i = 0; i < batch.length; i++) {
    const { envelope, targets, publishedAt, again } = batch[i]!;
    const env = keptJson(envelope) ?? JSON.stringify(envelope);
    let rest = again === undefined ? '' : `,"again":${JSON.stringify(again)}`;
    if (via !== undefined) rest += `,"via":${JSON.stringify(via)}`;
    out += i ? ',' : '';
    out += `{"envelope":${env},"targets":${JSON.stringify(targets)},"publishedAt":${JSON.stringify(publishedAt)}${rest}}`;
  }
  return `${out}]`;
}

/** A batch as sent (JSON bytes, or a string), or an array; anything else is no message at all. */
export function parseBatch(batch: unknown): FanoutMessage[] {
  if (Array.isArray(batch)) return batch as FanoutMessage[];
  let text: string;
  if (typeof batch === 'string') text = batch;
  else if (batch instanceof Uint8Array)
    text = Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength).toString();
  else return [];
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? (parsed as FanoutMessage[]) : [];
  } catch {
    return [];
  }
}
