import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { BatchingClusterBus, type BusChannel, type FanoutMessage } from '../cluster-bus.js';
import type { Sealer } from './sealer.js';

/** This process's mark on what it publishes, so that it can skip its own echo unread. */
const TAG_LENGTH = 12;
const BATCH = 0x42; // 'B'
const NOTICE = 0x4e; // 'N'

/**
 * The nodes' bus on the engine's own Redis pub/sub (CLUSTER_BUS=redis, the default): one channel,
 * `<prefix>:bus`, on the adapter's Redis (REDIS_ADAPTER_URL, which carries the nodes' traffic),
 * through two connections of its own, a publisher and a subscriber. Like the adapter's pub/sub it
 * is best effort and in order per publishing node; a node that misses a message reads it from the
 * log when the next one shows the gap (delivery/sequencer.ts).
 *
 * A frame is `<tag><kind><body>`: the publishing process's random tag (12 characters; pub/sub
 * echoes a message to its sender, which skips it before reading further, and two nodes given the
 * same NODE_ID still hear each other), `B` and a batch's JSON, or `N` and `topic\npayload`. With
 * DATA_ENCRYPTION_KEY the body is sealed (orders, addresses and notes travel in it); the tag and
 * kind stay in clear.
 *
 * Bounded: while the publisher is not connected a batch is not queued but dropped (the other
 * nodes read it from the log; notices are for caches that also expire on their own), so an
 * outage cannot grow a queue in this process.
 */
export class RedisClusterBus extends BatchingClusterBus {
  private readonly logger = new Logger(RedisClusterBus.name);
  private readonly tag = Buffer.from(randomBytes(TAG_LENGTH / 2).toString('hex'));
  private subscriber?: Redis;
  private unread = 0;
  private warnedAt = -Infinity;

  constructor(
    private readonly publisher: Redis,
    readonly channelName: string,
    private readonly sealer: Sealer,
  ) {
    super();
  }

  /** Subscribes (a connection of its own, duplicated from the publisher); notices are heard from here. */
  async start(): Promise<void> {
    const sub = this.publisher.duplicate({
      connectionName: `${this.publisher.options.connectionName ?? 'orderwire'}-sub`,
      enableOfflineQueue: true,
    });
    sub.on('error', (err: Error) => this.logger.debug({ err: err.message }, 'bus subscriber error'));
    sub.on('messageBuffer', (_channel: Buffer, frame: Buffer) => this.hear(frame));
    this.subscriber = sub;
    await sub.subscribe(this.channelName);
  }

  /** The subscriber's connection (the publisher is closed with the engine's clients). */
  async stop(force = false): Promise<void> {
    const sub = this.subscriber;
    this.subscriber = undefined;
    if (!sub) return;
    if (force) sub.disconnect();
    else await sub.quit().catch(() => sub.disconnect());
  }

  bind(_channel: BusChannel | undefined, onMessage: (msg: FanoutMessage) => void): void {
    this.onMessage = onMessage;
  }

  notify(topic: string, payload: string): void {
    this.send(NOTICE, `${topic}\n${payload}`);
  }

  protected sendBatch(json: string): void {
    this.send(BATCH, json);
  }

  private send(kind: number, body: string): void {
    if (this.publisher.status !== 'ready') return;
    const sealed = this.sealer.seal(body);
    const frame = Buffer.allocUnsafe(TAG_LENGTH + 1 + Buffer.byteLength(sealed));
    this.tag.copy(frame, 0);
    frame[TAG_LENGTH] = kind;
    frame.write(sealed, TAG_LENGTH + 1);
    this.publisher.publish(this.channelName, frame).catch(() => undefined);
  }

  /** One frame from the channel: never throws (ioredis calls this from its parser). */
  private hear(frame: Buffer): void {
    if (frame.length <= TAG_LENGTH || this.tag.compare(frame, 0, TAG_LENGTH) === 0) return;
    try {
      const raw = frame.toString('utf8', TAG_LENGTH + 1);
      const body = this.sealer.open(raw);
      if (frame[TAG_LENGTH] === BATCH) {
        this.heardBatch(body);
      } else if (frame[TAG_LENGTH] === NOTICE) {
        const cut = body.indexOf('\n');
        if (cut > 0) this.heardNotice(body.slice(0, cut), body.slice(cut + 1));
      }
    } catch (err) {
      // Sealed with a key this node does not hold, or a listener's bug: this frame is lost, as
      // one the bus dropped; the log still has its messages. Said once a minute at most.
      this.unread++;
      if (Date.now() - this.warnedAt < 60_000) return;
      this.warnedAt = Date.now();
      const { unread } = this;
      this.unread = 0;
      this.logger.warn({ err: (err as Error).message, unread }, 'cluster bus frames could not be read');
    }
  }
}
