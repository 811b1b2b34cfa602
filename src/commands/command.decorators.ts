import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MessageBody, SubscribeMessage } from '@nestjs/websockets';
import type { CommandType, CrewRole, Role } from '@orderwire/contracts';
import { linkOf, sessionOf } from '../transport/socket-link.js';

/** Who may send a command: the roles of the token (RolesGuard checks it, the boot check wants it). */
export const Roles = Reflector.createDecorator<readonly Role[]>();

/**
 * For crew sessions: the crew roles that may send it. A crew token without a crewRole may not;
 * the other roles of `@Roles` are not narrowed.
 */
export const CrewRoles = Reflector.createDecorator<readonly CrewRole[]>();

/** What a command's unit declares about it, besides who may send it. */
export interface CommandOptions {
  /** Courier positions also take a bucket of their own (RATE_COURIER_PER_SECOND). */
  rate?: 'courier';
  /** Handed, once carried out, to the services subscribed to it and the webhooks that take it. */
  forward?: boolean;
  /**
   * Fields of its data and of its reply that are never handed on (a hand-over code: for the
   * customer and the courier at the door only, docs/protocol.md section 14).
   */
  withhold?: readonly string[];
  /** A webhook may accept or reject it before it is carried out (WEBHOOK_DECISIONS). */
  decidable?: boolean;
  /** Commands naming the same `orderId` from one session run one at a time, in arrival order. */
  perOrder?: boolean;
  /**
   * A repeated `requestId` of the same user gets the first result (PROTOCOL section 5); every
   * command is, unless it says `false`.
   */
  idempotent?: boolean;
}

export interface CommandRule extends CommandOptions {
  type: CommandType;
}

/** The rule of a command handler, read by the interceptors through Reflector. */
export const CommandRule = Reflector.createDecorator<CommandRule>();

/**
 * A command's handler in its unit: the Socket.IO event it answers (Nest's @SubscribeMessage) and
 * what the pipeline does with it. Who may send it is `@Roles` (and `@CrewRoles`) beside it.
 */
export function Command(type: CommandType, options: CommandOptions = {}): MethodDecorator {
  return (target, key, descriptor) => {
    SubscribeMessage(type)(target, key, descriptor);
    CommandRule({ type, ...options })(target, key, descriptor);
    handlersOf(target).set(String(key), type);
  };
}

/** Where a handler's parameter comes from, for the command lane (it reads no Nest metadata). */
export type ParamSource =
  | { index: number; kind: 'payload' }
  | { index: number; kind: 'context'; resolve: (context: ExecutionContext) => unknown };

/** The payload, validated into its DTO by the pipe (Nest's @MessageBody). */
export function Payload(): ParameterDecorator {
  return (target, key, index) => {
    MessageBody()(target, key, index);
    paramsOf(target, key).push({ index, kind: 'payload' });
  };
}

/** A parameter from the call's context: a Nest custom parameter decorator, recorded for the lane. */
export function fromContext(resolve: (context: ExecutionContext) => unknown): ParameterDecorator {
  const decorator = createParamDecorator((_data: unknown, context: ExecutionContext) => resolve(context))();
  return (target, key, index) => {
    decorator(target, key, index);
    paramsOf(target, key).push({ index, kind: 'context', resolve });
  };
}

const sessionOfContext = (context: ExecutionContext) => sessionOf(context.switchToWs().getClient());
const linkOfContext = (context: ExecutionContext) => linkOf(context.switchToWs().getClient());

/** The sender's session (who, which tenant, which crew role), not its socket. */
export function CurrentSession(): ParameterDecorator {
  return fromContext(sessionOfContext);
}

/**
 * The sender's connection as a Link (session/link.ts), never a socket, for the few commands about
 * the connection itself: `sync` writes a replay to it, `auth.refresh` moves it between station rooms.
 */
export function Connection(): ParameterDecorator {
  return fromContext(linkOfContext);
}

const HANDLERS = Symbol('orderwire:command handlers');
const PARAMS = Symbol('orderwire:command params');

type Proto = object & { [HANDLERS]?: Map<string, CommandType>; [PARAMS]?: Map<string, ParamSource[]> };

function handlersOf(proto: Proto): Map<string, CommandType> {
  if (!Object.prototype.hasOwnProperty.call(proto, HANDLERS))
    Object.defineProperty(proto, HANDLERS, { value: new Map(proto[HANDLERS] ?? []) });
  return proto[HANDLERS]!;
}

function paramsOf(proto: Proto, key: string | symbol | undefined): ParamSource[] {
  if (!Object.prototype.hasOwnProperty.call(proto, PARAMS))
    Object.defineProperty(proto, PARAMS, { value: new Map(proto[PARAMS] ?? []) });
  const name = String(key);
  const map = proto[PARAMS]!;
  if (!map.has(name)) map.set(name, []);
  return map.get(name)!;
}

/** The command handlers a unit (or a gateway made from it) declares: method name → command. */
export function commandHandlers(unit: { prototype: object }): ReadonlyMap<string, CommandType> {
  return (unit.prototype as Proto | undefined)?.[HANDLERS] ?? new Map();
}

/** Where each parameter of a handler comes from, as its decorators said. */
export function commandParams(unit: { prototype: object }, method: string): readonly ParamSource[] {
  return (unit.prototype as Proto | undefined)?.[PARAMS]?.get(method) ?? [];
}

/** What a handler's decorators declare, read once per handler (the guards and interceptors ask per call). */
export interface Declared {
  rule?: CommandRule;
  roles?: readonly Role[];
  crewRoles?: readonly CrewRole[];
}

const reflector = new Reflector();
const DECLARED = new WeakMap<object, Declared>();

export function declaredOn(handler: object): Declared {
  let declared = DECLARED.get(handler);
  if (!declared) {
    declared = {
      rule: reflector.get(CommandRule, handler as () => void),
      roles: reflector.get(Roles, handler as () => void),
      crewRoles: reflector.get(CrewRoles, handler as () => void),
    };
    DECLARED.set(handler, declared);
  }
  return declared;
}

/** The declaration of the command a guard or interceptor is called for. */
export function declaredFor(context: ExecutionContext): Declared {
  return declaredOn(context.getHandler());
}
