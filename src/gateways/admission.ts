import { Inject, Injectable } from '@nestjs/common';
import {
  CUMULATIVE_ACK_EVENT,
  inspectShape,
  isCommandType,
  type CommandType,
  type Role,
  type ShapeProblem,
} from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import type { HubSocket } from '../transport/hub-server.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { type AckFn, fail, isAckFn } from '../commands/ack.js';
import { DrainState } from '../util/drain.state.js';
import { HubException } from '../util/hub.exception.js';
import { CommandLog } from '../commands/command-log.js';
import { commandsByRole } from '../commands/command-units.js';
import { RateLimiter } from '../commands/rate-limiter.js';
import { COMMAND_UNITS } from '../commands/units/index.js';
import { WsCall } from '../commands/ws-call.js';
import { linkOf } from '../transport/socket-link.js';
import { onCumulativeAck } from '../transport/cumulative-acks.js';

type Conn = HubSocket['conn'];

/**
 * Admission: the first thing every incoming packet meets, before Nest, for what Nest cannot answer
 * because no handler will see it. It measures the frame and refuses what is too large
 * (PAYLOAD_TOO_LARGE), answers events no unit handles (UNKNOWN_EVENT, rate-limited; Nest would
 * drop them silently) and commands no unit serves for this role (FORBIDDEN), requires an ack, and
 * refuses payloads whose shape would hurt the validator (binary, prototype keys, deep nesting). It
 * wraps the ack: every reply is counted by type and result, and ends the command's count in flight
 * for draining. Everything about a command that a handler sees (session validity, who may send it,
 * rate limits, the command log, one at a time per order) is the command pipeline's, in Nest
 * (command-pipeline.ts).
 */
@Injectable()
export class Admission {
  /** The size of the last frame read on each engine connection. */
  private readonly lastFrame = new WeakMap<Conn, number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly limiter: RateLimiter,
    private readonly delivery: DeliveryService,
    private readonly drain: DrainState,
    private readonly log: CommandLog,
  ) {}

  /** The commands each role's namespace has a handler for, from the units' @Roles. */
  private readonly served: Record<Role, ReadonlySet<CommandType>> = commandsByRole(COMMAND_UNITS);

  install(socket: HubSocket): void {
    const conn = socket.conn;
    if (!this.lastFrame.has(conn)) {
      this.lastFrame.set(conn, 0);
      conn.on('packet', (packet: { type: string; data?: unknown }) => {
        if (packet.type === 'message')
          this.lastFrame.set(conn, frameSize(packet.data, this.config.limits.messageBytes));
      });
    }
    socket.use((args, next) => this.inspect(socket, args as unknown[], next));
  }

  private inspect(socket: HubSocket, args: unknown[], next: (err?: Error) => void): void {
    const event = args[0];
    const last = args.length - 1;
    const ack = last > 0 && isAckFn(args[last]) ? (args[last] as AckFn) : undefined;
    const type = isCommandType(event) ? event : 'unknown';
    const started = performance.now();
    const done = ack ? this.drain.begin() : undefined;
    const reply: AckFn = (r) => {
      const code = (r as { ok?: boolean; error?: { code?: string } })?.ok
        ? undefined
        : (r as { error?: { code?: string } })?.error?.code;
      this.metrics.recordCommand(type, code ?? 'ok');
      done?.();
      ack?.(r);
    };
    if (ack) args[last] = reply;

    const refuse = (e: HubException): void => {
      this.log.write(new WsCall([socket, args[1], ack, type]), e.code, started);
      if (ack) return reply(fail(e.toBody()));
      this.metrics.recordCommand(type, e.code);
      this.delivery.emitTo(linkOf(socket), 'system.error', { code: e.code, message: e.message });
    };
    if ((this.lastFrame.get(socket.conn) ?? 0) > this.config.limits.messageBytes) {
      return refuse(
        new HubException(
          'PAYLOAD_TOO_LARGE',
          `a message may be at most ${this.config.limits.messageBytes} bytes`,
        ),
      );
    }
    if (event === CUMULATIVE_ACK_EVENT) {
      // Protocol 1.1's acknowledgement: no reply, no handler in Nest (docs/protocol.md 16).
      const refusal = onCumulativeAck(socket, args[1]);
      if (refusal) refuse(new HubException(refusal.code, refusal.message));
      return;
    }
    if (type === 'unknown') {
      try {
        this.limiter.check(linkOf(socket));
      } catch (e) {
        return refuse(e as HubException);
      }
      return refuse(new HubException('UNKNOWN_EVENT', `unknown event ${String(event).slice(0, 64)}`));
    }
    if (!this.served[socket.data.session.role].has(type))
      return refuse(new HubException('FORBIDDEN', `${type} is not allowed for this role`));
    if (!ack) {
      return refuse(new HubException('VALIDATION_FAILED', 'a command must carry an ack callback'));
    }
    const shape = shapeProblem(args.slice(1, last));
    if (shape) {
      return refuse(
        new HubException('VALIDATION_FAILED', 'invalid payload', {
          fields: [{ field: shape.field, messages: [shape.message] }],
        }),
      );
    }
    next();
  }
}

/**
 * What a command's arguments may not be, before any transform: binary (its attachments arrive as
 * frames of their own, which the per-frame size limit would count one by one), keys that reach a
 * prototype, or nesting past 32 levels (class-transformer recurses and overflows the stack).
 */
function shapeProblem(payload: unknown[]): ShapeProblem | undefined {
  for (const arg of payload) {
    const problem = inspectShape(arg);
    if (problem) return problem;
  }
  return undefined;
}

/** Bytes of a frame; `limit` lets short ASCII-sized strings skip the exact UTF-8 count. */
function frameSize(data: unknown, limit: number): number {
  if (typeof data === 'string') return data.length * 3 <= limit ? data.length : Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}
