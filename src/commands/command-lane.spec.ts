import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import {
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  Catch,
  type ExceptionFilter,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Observable } from 'rxjs';
import { type AroundInterceptor, aroundIntercept, type Proceed } from './around.js';
import { Command, Connection, CurrentSession, Payload, Roles } from './command.decorators.js';
import { CommandLane } from './command-lane.js';
import { type Pipeline, WithPipeline } from './command-pipeline.js';

const calls: string[] = [];

@Injectable()
class Guard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const ws = ctx.switchToWs();
    calls.push(`guard ${ws.getPattern()} ${ctx.getClass().name}.${ctx.getHandler().name}`);
    return ws.getData<{ allow?: boolean }>().allow !== false;
  }
}

@Injectable()
class Wrap implements AroundInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return aroundIntercept(this, ctx, next);
  }
  async around(ctx: ExecutionContext, proceed: Proceed): Promise<unknown> {
    calls.push('interceptor before');
    if (ctx.switchToWs().getData<{ cached?: boolean }>().cached) return 'from the cache';
    const reply = await proceed();
    calls.push('interceptor after');
    return { wrapped: reply };
  }
}

@Injectable()
class Mark implements PipeTransform {
  transform(value: unknown, meta: { type: string; metatype?: { name: string } }): unknown {
    calls.push(`pipe ${meta.type} ${meta.metatype?.name}`);
    return meta.type === 'body' && typeof value === 'object' ? { ...(value as object), piped: true } : value;
  }
}

@Catch()
@Injectable()
class CatchAll implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    calls.push(
      `catch ${(err as Error).message} ack=${typeof host.getArgByIndex(2)} client=${ws.getClient<{ id: string }>().id}`,
    );
  }
}

/** An interceptor in Nest's observable form only: the lane leaves its gateway to Nest. */
@Injectable()
class Plain implements NestInterceptor {
  intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
  }
}

class HeartbeatLike {
  clientTime?: number;
  x?: number;
  allow?: boolean;
  cached?: boolean;
}

const PIPELINE: Pipeline = { filter: CatchAll, pipes: [Mark], guards: [Guard], interceptors: [Wrap] };

@WithPipeline(PIPELINE)
class TestGateway {
  @Command('heartbeat')
  @Roles(['customer'])
  run(@CurrentSession() session: { userId: string }, @Payload() dto: HeartbeatLike) {
    calls.push(`handler ${session.userId} ${JSON.stringify(dto)}`);
    if (dto.x === 0) throw new Error('boom');
    return { ok: true };
  }

  @Command('sync')
  @Roles(['customer'])
  sync(@Payload() _dto: HeartbeatLike, @Connection() client: { id: string }) {
    return client.id;
  }
}

@WithPipeline({ ...PIPELINE, interceptors: [Plain] })
class ObservableGateway {
  @Command('heartbeat')
  @Roles(['customer'])
  run(@Payload() _dto: HeartbeatLike) {}
}

/** No pipeline declared: nothing for the lane. */
class BareGateway {
  @Command('heartbeat')
  @Roles(['customer'])
  run(@Payload() _dto: HeartbeatLike) {}
}

async function lane(): Promise<CommandLane> {
  const module = await Test.createTestingModule({
    providers: [TestGateway, ObservableGateway, BareGateway, Guard, Wrap, Mark, CatchAll, Plain, CommandLane],
  }).compile();
  const l = module.get(CommandLane);
  l.register('/t', module.get(TestGateway));
  l.register('/o', module.get(ObservableGateway));
  l.register('/b', module.get(BareGateway));
  return l;
}

const client = { id: 's1', data: { session: { userId: 'u-1' } } };
const ack = () => undefined;

describe("CommandLane: a gateway's declared pipeline, without Nest's per-call wrapping", () => {
  it("runs guard, interceptor, pipes on every parameter, handler, in Nest's order", async () => {
    const l = await lane();
    calls.length = 0;
    const reply = await l.handler('/t', 'heartbeat')!(client, { x: 1 }, ack);
    expect(reply).toEqual({ wrapped: { ok: true } });
    expect(calls).toEqual([
      'guard heartbeat TestGateway.run',
      'interceptor before',
      // The parameters in the order their decorators ran (the last first), as Nest's metadata has them.
      'pipe body HeartbeatLike',
      'pipe custom Object',
      'handler u-1 {"x":1,"piped":true}',
      'interceptor after',
    ]);
  });

  it('a guard that refuses: the handler does not run, the filter gets Forbidden resource', async () => {
    const l = await lane();
    calls.length = 0;
    expect(await l.handler('/t', 'heartbeat')!(client, { allow: false }, ack)).toBeUndefined();
    expect(calls).toEqual([
      'guard heartbeat TestGateway.run',
      'catch Forbidden resource ack=function client=s1',
    ]);
  });

  it('an interceptor that answers without proceeding: no pipe, no handler', async () => {
    const l = await lane();
    calls.length = 0;
    expect(await l.handler('/t', 'heartbeat')!(client, { cached: true }, ack)).toBe('from the cache');
    expect(calls).toEqual(['guard heartbeat TestGateway.run', 'interceptor before']);
  });

  it("a handler's throw goes to the filter, with the call's arguments", async () => {
    const l = await lane();
    calls.length = 0;
    expect(await l.handler('/t', 'heartbeat')!(client, { x: 0 }, ack)).toBeUndefined();
    expect(calls.at(-1)).toBe('catch boom ack=function client=s1');
  });

  it('the connection parameter is the client', async () => {
    const l = await lane();
    expect(await l.handler('/t', 'sync')!(client, {}, ack)).toEqual({ wrapped: 's1' });
  });

  it('leaves to Nest what it cannot run: a gateway without a pipeline, an interceptor that is not an AroundInterceptor', async () => {
    const l = await lane();
    expect(l.handler('/o', 'heartbeat')).toBeUndefined();
    expect(l.handler('/b', 'heartbeat')).toBeUndefined();
    expect(l.covered()).toEqual({ '/t': ['heartbeat', 'sync'] });
  });
});
