import { Inject, Injectable } from '@nestjs/common';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import {
  COMMANDS,
  inspectShape,
  isCommandType,
  type CommandType,
  type ShapeProblem,
} from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import type { HubSocket } from '../transport/hub-server.js';
import { RUNTIME, type Session } from '../session/session.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { type AckFn, fail, isAckFn } from './ack.js';
import { DrainState } from '../util/drain.state.js';
import { HubException } from '../util/hub.exception.js';
import { RateLimiter } from './rate-limiter.js';

type Conn = HubSocket['conn'];

/** Commands on one order that may wait for the one in progress. */
const MAX_WAITING = 64;
const ORDER_COMMANDS: ReadonlySet<unknown> = new Set(['order.update_status', 'order.cancel']);

function laneOf(event: unknown, data: unknown): string | undefined {
  if (!ORDER_COMMANDS.has(event)) return undefined;
  const orderId = (data as { orderId?: unknown } | null)?.orderId;
  return typeof orderId === 'string' ? orderId : undefined;
}

/**
 * Admission: the first thing every incoming packet meets, before Nest. It measures the frame,
 * refuses what is too large (PAYLOAD_TOO_LARGE), answers events no gateway handles
 * (UNKNOWN_EVENT; Nest would drop them silently), refuses what this role or crew role may not
 * send (FORBIDDEN), applies the rate limits (RATE_LIMITED, rate-limiter.ts), and wraps the ack:
 * every reply is counted by type and result, logged (one line per command: session, user,
 * tenant, request id, outcome, duration; never the payload, auth.refresh carries a token), and
 * ends the command's count in flight for draining.
 */
@Injectable()
export class PacketMiddleware {
  /** The size of the last frame read on each engine connection. */
  private readonly lastFrame = new WeakMap<Conn, number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly limiter: RateLimiter,
    private readonly delivery: DeliveryService,
    private readonly drain: DrainState,
    @InjectLogger('Command') private readonly logger: HubLogger,
  ) {}

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
      this.log(socket, type, args[1], code, started);
      done?.();
      ack?.(r);
    };
    if (ack) args[last] = reply;

    const refuse = (e: HubException): void => {
      if (ack) return reply(fail(e.toBody()));
      this.metrics.recordCommand(type, e.code);
      this.delivery.emitTo(socket, 'system.error', { code: e.code, message: e.message });
    };
    if ((this.lastFrame.get(socket.conn) ?? 0) > this.config.limits.messageBytes) {
      return refuse(
        new HubException(
          'PAYLOAD_TOO_LARGE',
          `a message may be at most ${this.config.limits.messageBytes} bytes`,
        ),
      );
    }
    if (type === 'unknown') {
      try {
        this.limiter.check(socket, 'unknown');
      } catch (e) {
        return refuse(e as HubException);
      }
      return refuse(new HubException('UNKNOWN_EVENT', `unknown event ${String(event).slice(0, 64)}`));
    }
    const forbidden = commandRefusal(socket.data.session, type);
    if (forbidden) return refuse(forbidden);
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
    try {
      this.limiter.check(socket, type);
    } catch (e) {
      return refuse(e as HubException);
    }
    this.inOrder(socket, args, last, next, refuse);
  }

  private log(
    socket: HubSocket,
    type: string,
    data: unknown,
    code: string | undefined,
    started: number,
  ): void {
    if (code === undefined && !this.logger.isLevelEnabled('debug')) return;
    const session = socket.data.session;
    const requestId = (data as { requestId?: unknown } | null)?.requestId;
    const fields = {
      event: type,
      sessionId: session.sessionId,
      userId: session.userId,
      tenantId: session.tenantId,
      requestId: typeof requestId === 'string' ? requestId : undefined,
      ok: code === undefined,
      code,
      ms: performance.now() - started,
    };
    if (code === undefined) this.logger.debug(fields, 'command');
    else this.logger.info(fields, 'command refused');
  }

  /**
   * Commands that change one order run one at a time per socket and order, in arrival order:
   * Socket.IO dispatches pipelined packets at once, and a client sending `accepted` then
   * `preparing` without awaiting could otherwise have the second checked against the state
   * before the first. Other commands (and other orders) still run concurrently.
   */
  private inOrder(
    socket: HubSocket,
    args: unknown[],
    last: number,
    next: () => void,
    refuse: (e: HubException) => void,
  ): void {
    const lane = laneOf(args[0], args[1]);
    if (lane === undefined) return next();
    const runtime = socket.data.session[RUNTIME];
    const lanes = (runtime.lanes ??= new Map());
    const reply = args[last] as AckFn;
    args[last] = (r: unknown) => {
      reply(r);
      const waiting = lanes.get(lane);
      const following = waiting?.shift();
      if (following) following();
      else lanes.delete(lane);
    };
    const waiting = lanes.get(lane);
    if (!waiting) {
      lanes.set(lane, []);
      return next();
    }
    if (waiting.length >= MAX_WAITING) {
      args[last] = reply; // never queued: answer with the plain reply
      return refuse(
        new HubException('RATE_LIMITED', 'too many commands waiting on this order', { retryAfterMs: 100 }),
      );
    }
    waiting.push(next);
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

/**
 * Whether this session may send this command, from the one table of who may send what
 * (`COMMANDS` in libs/contracts): the token's role, and for some commands its crew role. The one
 * role check of a command, run in admission before Nest sees the packet. `crewRoles`
 * narrows what crew may send (a crew token without a crewRole may not send those commands); it
 * does not apply to the other roles the rule allows.
 */
function commandRefusal(session: Session, type: CommandType): HubException | undefined {
  const rule = COMMANDS[type];
  if (!rule.roles.includes(session.role))
    return new HubException('FORBIDDEN', `${type} is not allowed for this role`);
  if (
    rule.crewRoles &&
    session.role === 'crew' &&
    (!session.crewRole || !rule.crewRoles.includes(session.crewRole))
  )
    return new HubException('FORBIDDEN', `${type} needs crewRole ${rule.crewRoles.join(' or ')}`);
  return undefined;
}
