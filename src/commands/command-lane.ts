import type {
  CanActivate,
  ExceptionFilter,
  ExecutionContext,
  NestInterceptor,
  PipeTransform,
  Type,
} from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { WsException } from '@nestjs/websockets';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import { type AroundInterceptor, isAround, type Proceed, settled } from './around.js';
import { commandHandlers, commandParams, type ParamSource } from './command.decorators.js';
import { pipelineOf } from './command-pipeline.js';
import { WsCall } from './ws-call.js';

/** What one handler runs, resolved once from its unit's declarations and its gateway's pipeline. */
interface Plan {
  gateway: object;
  method: (...args: unknown[]) => unknown;
  pattern: string;
  params: readonly ParamSource[];
  metatypes: unknown[];
  argsLength: number;
  guards: CanActivate[];
  interceptors: AroundInterceptor[];
  pipes: PipeTransform[];
  filter: ExceptionFilter;
}

export type LaneHandler = (client: unknown, data: unknown, ack: unknown) => Promise<unknown>;

/**
 * Command handlers without Nest's per-call wrapping, under the same rules. A gateway's pipeline
 * (command-pipeline.ts: Nest's guards, interceptors, pipe and filter, bound with Nest's decorators)
 * and its units' @Command handlers and parameter decorators stay the declaration: the lane reads
 * them from the registry those decorators fill (never Nest's private metadata), takes the enhancer
 * instances Nest made, and calls them in Nest's order: guards, then the interceptors, around the
 * pipes (every parameter, each pipe in turn) and the handler; a failure anywhere goes to the
 * filter. The interceptors are called in their promise form (commands/around.ts). What it leaves
 * out is the wrapping Nest adds on every call (WsContextCreator, WsProxy, InterceptorsConsumer:
 * deferred observables and a promise per interceptor, an rxjs pipe for errors).
 *
 * Nest's own path stays available (createHub's `commandPath: 'nest'`), and
 * test/command-paths.e2e-spec.ts runs every command through both and compares what clients get.
 * A gateway without a pipeline, or whose enhancers the lane cannot take, stays with Nest.
 */
@Injectable()
export class CommandLane {
  private readonly plans = new Map<string, Map<string, LaneHandler>>();

  constructor(private readonly moduleRef: ModuleRef) {}

  /** Reads a gateway's handlers: called from its afterInit, with its namespace's name. */
  register(namespace: string, gateway: object): void {
    const cls = gateway.constructor as Type<unknown>;
    const pipeline = pipelineOf(cls);
    if (!pipeline) return;
    const enhancers = this.enhancers(pipeline.guards, pipeline.interceptors, pipeline.pipes, pipeline.filter);
    if (!enhancers) return;
    const plans = this.plans.get(namespace) ?? new Map<string, LaneHandler>();
    for (const [name, pattern] of commandHandlers(cls)) {
      const method = (gateway as Record<string, Plan['method']>)[name];
      const params = commandParams(cls, name);
      const plan: Plan = {
        gateway,
        method,
        pattern,
        params,
        metatypes: (Reflect.getMetadata('design:paramtypes', cls.prototype as object, name) ??
          []) as unknown[],
        argsLength: params.reduce((n, p) => Math.max(n, p.index + 1), 0),
        ...enhancers,
        // An interceptor whose rule does nothing for this handler would only proceed.
        interceptors: enhancers.interceptors.filter((i) => i.appliesTo?.(method) ?? true),
      };
      plans.set(pattern, (client, data, ack) => this.invoke(plan, client, data, ack));
    }
    this.plans.set(namespace, plans);
  }

  /**
   * The lane's handler for a namespace's message, or undefined: Nest's own callback is used. One
   * function per handler, made at register(): binding it to a socket allocates nothing more.
   */
  handler(namespace: string, message: string): LaneHandler | undefined {
    return this.plans.get(namespace)?.get(message);
  }

  /** The messages on the lane, per namespace (tests check that every hub command is). */
  covered(): Record<string, string[]> {
    return Object.fromEntries([...this.plans].map(([nsp, plans]) => [nsp, [...plans.keys()].sort()]));
  }

  private enhancers(
    guards: Array<Type<CanActivate>>,
    interceptors: Array<Type<NestInterceptor>>,
    pipes: Array<Type<PipeTransform>>,
    filter: Type<ExceptionFilter>,
  ): Pick<Plan, 'guards' | 'interceptors' | 'pipes' | 'filter'> | undefined {
    try {
      const get = <T>(type: Type<T>): T => this.moduleRef.get(type, { strict: false });
      const around = interceptors.map((i) => get(i));
      if (!around.every(isAround)) return undefined;
      return { guards: guards.map(get), interceptors: around, pipes: pipes.map(get), filter: get(filter) };
    } catch {
      return undefined;
    }
  }

  private async invoke(plan: Plan, client: unknown, data: unknown, ack: unknown): Promise<unknown> {
    // Nest's arguments of a WebSocket handler: client, payload, ack, pattern.
    const args = [client, data, ack, plan.pattern];
    const context = new WsCall(args, plan.gateway.constructor, plan.method);
    try {
      for (const guard of plan.guards) {
        const allowed = guard.canActivate(context);
        // A guard's plain `true` needs no await (Nest awaits every guard).
        if (allowed !== true && !(await settle(allowed))) throw new WsException('Forbidden resource');
      }
      return await this.around(plan.interceptors, 0, context, () => this.call(plan, context));
    } catch (err) {
      // As Nest's WsProxy: the filter's host has the call's arguments.
      plan.filter.catch(err, new WsCall(args));
      return undefined;
    }
  }

  /** Pipes on every parameter, then the handler (inside the interceptors, as in Nest). */
  private async call(plan: Plan, context: WsCall): Promise<unknown> {
    const values = new Array<unknown>(plan.argsLength);
    for (const p of plan.params) {
      let value = p.kind === 'payload' ? context.getData() : p.resolve(context);
      const meta = {
        type: p.kind === 'payload' ? 'body' : 'custom',
        metatype: plan.metatypes[p.index],
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
}

async function settle(result: boolean | Promise<boolean> | Observable<boolean>): Promise<boolean> {
  return isObservable(result) ? lastValueFrom(result, { defaultValue: false }) : result;
}
