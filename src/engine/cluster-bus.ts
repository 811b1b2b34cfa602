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
 * The wire the nodes share: events to every other node, and the events they send. The transport
 * gives one (transport/connections.ts: server-side events over the Socket.IO cluster adapter).
 */
export interface BusChannel {
  on(event: string, listener: (...args: unknown[]) => void): void;
  send(event: string, ...args: unknown[]): void;
}

/** How nodes tell each other about durable messages, and small notices (a menu changed). */
export interface ClusterBus {
  /** Binds to the channel the nodes talk through, once it exists. */
  bind(channel: BusChannel, onMessage: (msg: FanoutMessage) => void): void;
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
 * Through the channel the transport gives (the Socket.IO cluster adapter's server-side events, Redis
 * pub/sub with the streams adapter 0.3: best effort, in order per publishing node). A node that misses a message (Redis gone for
 * a while) reads it from the log when the next one shows the gap (delivery/sequencer.ts).
 */
export class AdapterClusterBus implements ClusterBus {
  private channel?: BusChannel;
  private batch: FanoutMessage[] = [];
  private readonly notices = new Map<string, Array<(payload: string) => void>>();

  bind(channel: BusChannel, onMessage: (msg: FanoutMessage) => void): void {
    this.channel = channel;
    channel.on(BATCH, (batch: unknown) => {
      for (const m of parseBatch(batch)) onMessage(m);
    });
    channel.on(ONE, (msg: unknown) => onMessage(msg as FanoutMessage));
    channel.on(NOTICE, (topic: unknown, payload: unknown) => {
      for (const listener of this.notices.get(topic as string) ?? []) listener(payload as string);
    });
  }

  /**
   * Queues the message; the turn's messages go out together once its I/O callbacks and their
   * promise continuations ran (setImmediate): a turn that read many Redis replies at once (the
   * appends of many commands) publishes them in one message, one encoding and one write.
   */
  publish(msg: FanoutMessage): void {
    if (!this.channel) return;
    this.batch.push(msg);
    if (this.batch.length === 1) setImmediate(() => this.flush());
  }

  notify(topic: string, payload: string): void {
    this.channel?.send(NOTICE, topic, payload);
  }

  onNotice(topic: string, listener: (payload: string) => void): void {
    let list = this.notices.get(topic);
    if (!list) this.notices.set(topic, (list = []));
    list.push(listener);
  }

  /**
   * The batch goes as the bytes of its JSON: the adapter's msgpack then copies one buffer,
   * instead of walking every envelope field by field in JavaScript (12 % of a node's CPU at
   * 1,800 orders/s, paid again by every node that decodes it, the sender included: pub/sub echoes
   * to it); a string would still be measured character by character (`utf8Count`, 3 %).
   */
  private flush(): void {
    const batch = this.batch;
    this.batch = [];
    for (let i = 0; i < batch.length; i += BATCH_MAX) {
      try {
        this.channel?.send(BATCH, Buffer.from(batchJson(batch.slice(i, i + BATCH_MAX))));
      } catch {
        // Not sent (the adapter closing, say): the other nodes read these from the log, as any
        // message the bus lost (delivery/sequencer.ts). A throw here would end the process.
      }
    }
  }
}

/**
 * JSON.stringify(batch), with each envelope's JSON taken from the envelope where it was kept
 * (DeliveryService.release keeps it; the encoder writes the same JSON to this node's sockets).
 */
export function batchJson(batch: FanoutMessage[]): string {
  let out = '[';
  for (let i = 0; i < batch.length; i++) {
    const { envelope, targets, publishedAt, again } = batch[i]!;
    const env = keptJson(envelope) ?? JSON.stringify(envelope);
    const rest = again === undefined ? '' : `,"again":${JSON.stringify(again)}`;
    out += i ? ',' : '';
    out += `{"envelope":${env},"targets":${JSON.stringify(targets)},"publishedAt":${JSON.stringify(publishedAt)}${rest}}`;
  }
  return `${out}]`;
}

/** A batch as sent (JSON bytes, or a string), or an array; anything else is no message at all. */
function parseBatch(batch: unknown): FanoutMessage[] {
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
