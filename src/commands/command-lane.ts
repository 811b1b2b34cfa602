import {
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  type PipeTransform,
  Scope,
  type Type,
} from '@nestjs/common';
import {
  CUSTOM_ROUTE_ARGS_METADATA,
  EXCEPTION_FILTERS_METADATA,
  FILTER_CATCH_EXCEPTIONS,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PARAMTYPES_METADATA,
  PIPES_METADATA,
  ROUTE_ARGS_METADATA,
  SCOPE_OPTIONS_METADATA,
} from '@nestjs/common/constants.js';
import { ModuleRef } from '@nestjs/core';
import { BaseWsExceptionFilter, WsException } from '@nestjs/websockets';
import { MESSAGE_METADATA } from '@nestjs/websockets/constants.js';
import { WsParamtype } from '@nestjs/websockets/enums/ws-paramtype.enum.js';
import { from, isObservable, lastValueFrom, mergeAll, type Observable, throwError } from 'rxjs';
import type { Socket } from 'socket.io';
import { type AroundInterceptor, isAround, type Proceed, settled } from './around.js';
import { Route, WsCall } from './ws-call.js';

/**
 * The lane reads the metadata Nest's decorators write (the keys are Nest's own constants) and
 * calls what it names with @nestjs/websockets' semantics (WsContextCreator, WsProxy,
 * WsParamsFactory) as of this version: pinned in package.json, checked by command-lane.spec.ts.
 */
export const COMMAND_LANE_PINS = { '@nestjs/websockets': '12.1.1' } as const;

const { SOCKET, PAYLOAD, ACK } = WsParamtype;

/** One handler's parameter: where its value comes from and what the pipes are told. */
interface Param {
  index: number;
  type: WsParamtype;
  data?: string;
  metatype?: unknown;
}

interface Filter {
  catch: ExceptionFilter['catch'];
  types: Array<Type<unknown>>;
}

/** What one handler runs, resolved once from the gateway's decorators. */
interface Plan {
  gateway: object;
  method: (...args: unknown[]) => unknown;
  pattern: string;
  params: Param[];
  argsLength: number;
  guards: CanActivate[];
  interceptors: NestInterceptor[];
  /** The interceptors again when every one is an AroundInterceptor: no observable is made. */
  around?: AroundInterceptor[];
  pipes: PipeTransform[];
  filters: Filter[];
}

type Planned = Plan & { run: LaneHandler };

export type LaneHandler = (socket: Socket, data: unknown, ack: unknown) => Promise<unknown>;

/**
 * Command handlers without Nest's per-call machinery, under the same rules. The gateways'
 * decorators stay the declaration of what runs for a command (HubGateway: the exception filter,
 * the validation pipe, the interceptors; @MessageBody and @ConnectedSocket): the lane reads them
 * once per handler, takes the enhancer instances Nest made for the gateways' module, and calls
 * them in Nest's order: guards, then the interceptors, around the pipes (every parameter, each
 * pipe in turn) and the handler; a failure anywhere goes to the first filter that catches it.
 * What it leaves out is the wrapping Nest adds on every call (WsContextCreator, WsProxy,
 * InterceptorsConsumer: deferred and async-scoped observables, a promise per interceptor, an
 * rxjs pipe for errors), about a fifth of a volatile command's CPU. When every interceptor is an
 * AroundInterceptor (commands/around.ts: the hub's are), they are called in their promise form
 * and no observable is made at all; otherwise, when the interceptors hand the route's observable
 * back untouched, the handler is called directly. One difference from Nest, which the
 * interceptors do not notice: an inner interceptor's intercept() runs when the outer one calls
 * `next.handle()`, not when it subscribes (see chain()).
 *
 * A handler the lane cannot read wholly (a custom parameter decorator, a parameter pipe, an
 * enhancer that is not a singleton) stays with Nest: `handler()` returns undefined for it, and
 * test/commands.e2e-spec.ts checks that every hub command is on the lane.
 */
@Injectable()
export class CommandLane {
  private readonly plans = new Map<string, Map<string, Planned>>();
  private readonly fallback = new BaseWsExceptionFilter();

  constructor(private readonly moduleRef: ModuleRef) {}

  /** Reads a gateway's handlers: called from its afterInit, with its namespace's name. */
  register(namespace: string, gateway: object): void {
    const plans = new Map<string, Planned>();
    for (let proto = Object.getPrototypeOf(gateway); proto && proto !== Object.prototype;) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        // The method the gateway has under that name (an override, if any), as Nest binds it.
        const method = (gateway as Record<string, unknown>)[name];
        if (typeof method !== 'function' || name === 'constructor') continue;
        const pattern: unknown = Reflect.getMetadata(MESSAGE_METADATA, method);
        if (typeof pattern !== 'string' || plans.has(pattern)) continue;
        const plan = this.plan(gateway, name, method as Plan['method'], pattern);
        if (plan)
          plans.set(pattern, { ...plan, run: (socket, data, ack) => this.invoke(plan, socket, data, ack) });
      }
      proto = Object.getPrototypeOf(proto);
    }
    this.plans.set(namespace, plans);
  }

  /**
   * The lane's handler for a namespace's message, or undefined: Nest's own callback is used. One
   * function per handler, made at register(): binding it to a socket allocates nothing more.
   */
  handler(namespace: string, message: string): LaneHandler | undefined {
    return this.plans.get(namespace)?.get(message)?.run;
  }

  /** The messages on the lane, per namespace (tests check that every hub command is). */
  covered(): Record<string, string[]> {
    return Object.fromEntries([...this.plans].map(([nsp, plans]) => [nsp, [...plans.keys()].sort()]));
  }

  private plan(gateway: object, name: string, method: Plan['method'], pattern: string): Plan | undefined {
    const ctor = gateway.constructor;
    const declared = (Reflect.getMetadata(ROUTE_ARGS_METADATA, ctor, name) ?? {}) as Record<
      string,
      { index: number; data?: string; pipes?: unknown[] }
    >;
    const types = (Reflect.getMetadata(PARAMTYPES_METADATA, gateway, name) ?? []) as unknown[];
    const params: Param[] = [];
    for (const [key, p] of Object.entries(declared)) {
      const type = Number(key.split(':')[0]);
      if (key.includes(CUSTOM_ROUTE_ARGS_METADATA) || p.pipes?.length) return undefined;
      if (type !== SOCKET && type !== PAYLOAD && type !== ACK) return undefined;
      params.push({ index: p.index, type, data: p.data, metatype: types[p.index] });
    }
    const of = <T>(key: string): T[] | undefined => this.enhancers<T>(key, ctor, method);
    const guards = of<CanActivate>(GUARDS_METADATA);
    const interceptors = of<NestInterceptor>(INTERCEPTORS_METADATA);
    const pipes = of<PipeTransform>(PIPES_METADATA);
    const filters = of<ExceptionFilter>(EXCEPTION_FILTERS_METADATA);
    if (!guards || !interceptors || !pipes || !filters) return undefined;
    return {
      gateway,
      method,
      pattern,
      params,
      argsLength: params.reduce((n, p) => Math.max(n, p.index + 1), 0),
      guards,
      interceptors,
      around: interceptors.every(isAround) ? interceptors : undefined,
      pipes,
      // As Nest's ExceptionFiltersContext: the method's filters first, the class's last first.
      filters: filters.reverse().map((f) => ({
        catch: f.catch.bind(f),
        types: (Reflect.getMetadata(FILTER_CATCH_EXCEPTIONS, f.constructor) ?? []) as Array<Type<unknown>>,
      })),
    };
  }

  /** The class's enhancers, then the method's, as instances; undefined if one is not a singleton. */
  private enhancers<T>(key: string, ctor: object, method: object): T[] | undefined {
    const declared = [
      ...((Reflect.getMetadata(key, ctor) ?? []) as unknown[]),
      ...((Reflect.getMetadata(key, method) ?? []) as unknown[]),
    ];
    const out: T[] = [];
    for (const e of declared) {
      if (typeof e !== 'function') {
        out.push(e as T);
        continue;
      }
      const scope = (Reflect.getMetadata(SCOPE_OPTIONS_METADATA, e) as { scope?: Scope } | undefined)?.scope;
      if (scope !== undefined && scope !== Scope.DEFAULT) return undefined;
      try {
        out.push(this.moduleRef.get(e as Type<T>, { strict: true }));
      } catch {
        return undefined;
      }
    }
    return out;
  }

  private async invoke(plan: Plan, socket: Socket, data: unknown, ack: unknown): Promise<unknown> {
    // Nest's arguments of a WebSocket handler: client, payload, ack, pattern.
    const args = [socket, data, ack, plan.pattern];
    const context = new WsCall(args, plan.gateway.constructor, plan.method);
    try {
      for (const guard of plan.guards) {
        if (!(await settle(guard.canActivate(context)))) throw new WsException('Forbidden resource');
      }
      if (plan.around) return await this.around(plan.around, 0, context, () => this.call(plan, args));
      const route = new Route(() => this.call(plan, args));
      const out = this.chain(plan.interceptors, 0, context, route);
      return out === route ? await route.run() : await lastValueFrom(out, { defaultValue: undefined });
    } catch (err) {
      this.fail(plan, err, args);
      return undefined;
    }
  }

  /** Pipes on every parameter, then the handler (inside the interceptors, as in Nest). */
  private async call(plan: Plan, args: unknown[]): Promise<unknown> {
    const values = new Array<unknown>(plan.argsLength);
    for (const p of plan.params) {
      let value =
        p.type === SOCKET
          ? args[0]
          : p.type === ACK
            ? args[2]
            : p.data
              ? (args[1] as Record<string, unknown> | undefined)?.[p.data]
              : args[1];
      const meta = {
        type: p.type === PAYLOAD ? 'body' : 'custom',
        metatype: p.metatype,
        data: p.data,
      } as const;
      for (const pipe of plan.pipes) value = await pipe.transform(value, meta as never);
      values[p.index] = value;
    }
    return settled(await plan.method.apply(plan.gateway, values));
  }

  /**
   * The interceptors through their promise form (commands/around.ts), outermost first: each one's
   * `proceed` is the next one, then the pipes and handler. `proceed` never throws: an
   * interceptor's throw comes back as a rejection, as an error of next.handle() would.
   */
  private around(
    interceptors: AroundInterceptor[],
    i: number,
    context: ExecutionContext,
    handler: Proceed,
  ): Promise<unknown> {
    if (i === interceptors.length) return handler();
    const proceed: Proceed = () => {
      try {
        return this.around(interceptors, i + 1, context, handler);
      } catch (err) {
        return Promise.reject(err);
      }
    };
    return interceptors[i].around(context, proceed);
  }

  /**
   * The interceptors, outermost first: `next.handle()` of one is the next one's observable, made
   * when it is asked for (Nest defers it to the subscription and wraps each interceptor in its own
   * deferred observable and promise, about a fifth of a command's CPU when this was measured).
   * An interceptor that throws before returning becomes an error of its observable, so the outer
   * ones see it as they would under Nest. When every interceptor returns `next.handle()` as it is,
   * the result is the route itself and invoke() calls the handler directly.
   */
  private chain(
    interceptors: NestInterceptor[],
    i: number,
    context: ExecutionContext,
    route: Route,
  ): Observable<unknown> {
    if (i === interceptors.length) return route;
    const next: CallHandler = { handle: () => this.chain(interceptors, i + 1, context, route) };
    try {
      const out = interceptors[i].intercept(context, next);
      return isObservable(out) ? out : from(out).pipe(mergeAll());
    } catch (err) {
      return throwError(() => err);
    }
  }

  private fail(plan: Plan, err: unknown, args: unknown[]): void {
    // As Nest's WsProxy: the filter's host has the call's arguments.
    const host = new WsCall(args);
    const filter = plan.filters.find((f) => f.types.length === 0 || f.types.some((t) => err instanceof t));
    if (filter) filter.catch(err, host);
    else this.fallback.catch(err, host);
  }
}

async function settle(result: boolean | Promise<boolean> | Observable<boolean>): Promise<boolean> {
  return isObservable(result) ? lastValueFrom(result, { defaultValue: false }) : result;
}
