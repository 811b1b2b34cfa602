import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import {
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  Catch,
  createParamDecorator,
  type ExceptionFilter,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  type PipeTransform,
  Scope,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Ack, ConnectedSocket, MessageBody, SubscribeMessage, WsException } from '@nestjs/websockets';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { catchError, map, type Observable, of } from 'rxjs';
import type { Socket } from 'socket.io';
import { COMMAND_LANE_PINS, CommandLane } from './command-lane.js';

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
class Wrap implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    calls.push('interceptor before');
    if (ctx.switchToWs().getData<{ cached?: boolean }>().cached) return of('from the cache');
    return next.handle().pipe(
      map((reply) => {
        calls.push('interceptor after');
        return { wrapped: reply };
      }),
    );
  }
}

@Injectable()
class Mark implements PipeTransform {
  transform(value: unknown, meta: { type: string; metatype?: { name: string } }): unknown {
    calls.push(`pipe ${meta.type} ${meta.metatype?.name}`);
    return meta.type === 'body' && typeof value === 'object' ? { ...(value as object), piped: true } : value;
  }
}

class Boom extends Error {}

@Catch()
@Injectable()
class CatchAll implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    calls.push(
      `catch-all ${(err as Error).message} ack=${typeof host.getArgByIndex(2)} client=${ws.getClient<{ id: string }>().id}`,
    );
  }
}

@Catch(Boom)
@Injectable()
class CatchBoom implements ExceptionFilter {
  catch(err: unknown): void {
    calls.push(`catch-boom ${(err as Error).message}`);
  }
}

@Injectable({ scope: Scope.REQUEST })
class PerRequest implements NestInterceptor {
  intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
  }
}

const Custom = createParamDecorator(() => 'custom');

class PlaceDto {
  x?: number;
  allow?: boolean;
  cached?: boolean;
}

@UseGuards(Guard)
@UseInterceptors(Wrap)
@UsePipes(Mark)
@UseFilters(CatchAll)
class TestGateway {
  @SubscribeMessage('t.run')
  run(@ConnectedSocket() socket: Socket, @MessageBody() dto: PlaceDto) {
    calls.push(`handler ${socket.id} ${JSON.stringify(dto)}`);
    if (dto.x === 0) throw new Boom('boom');
    if (dto.x === -1) throw new Error('plain');
    return { ok: true };
  }

  @UseFilters(CatchBoom)
  @SubscribeMessage('t.boom')
  boom(@MessageBody() _dto: PlaceDto) {
    throw new Boom('method filter first');
  }

  @SubscribeMessage('t.observable')
  observable(@MessageBody('x') x: number, @Ack() ack: unknown) {
    return calls.push(`x=${x} ack=${typeof ack}`) && of('observed');
  }

  @SubscribeMessage('t.custom')
  custom(@Custom() _value: string) {}

  @SubscribeMessage('t.param-pipe')
  paramPipe(@MessageBody(Mark) _dto: PlaceDto) {}
}

/** An enhancer made per request makes its gateway request-scoped too: Nest's path for it. */
@UseInterceptors(PerRequest)
class ScopedGateway {
  @SubscribeMessage('s.scoped')
  scoped(@MessageBody() _dto: PlaceDto) {}
}

@UseFilters(CatchBoom)
class NarrowGateway {
  @SubscribeMessage('n.plain')
  plain() {
    throw new WsException('not caught by CatchBoom');
  }
}

async function lane(more?: new () => object): Promise<CommandLane> {
  const module = await Test.createTestingModule({
    providers: [TestGateway, NarrowGateway, ScopedGateway, CommandLane, ...(more ? [more] : [])],
  }).compile();
  const l = module.get(CommandLane);
  l.register('/t', module.get(TestGateway));
  l.register('/n', module.get(NarrowGateway));
  l.register('/s', await module.resolve(ScopedGateway));
  if (more) l.register('/w', module.get(more));
  return l;
}

const socket = (emitted: unknown[] = []) =>
  ({ id: 's1', emit: (...args: unknown[]) => emitted.push(args) }) as unknown as Socket;
const ack = () => undefined;

describe("CommandLane: the gateways' declared rules, without Nest's per-call wrapping", () => {
  it('is pinned: the installed @nestjs/websockets is the version its semantics were copied from', () => {
    const main = createRequire(import.meta.url).resolve('@nestjs/websockets');
    const pkg = join(dirname(main), 'package.json');
    expect(JSON.parse(readFileSync(pkg, 'utf8')).version).toBe(COMMAND_LANE_PINS['@nestjs/websockets']);
  });

  it("runs guard, interceptor, pipes on every parameter, handler, in Nest's order", async () => {
    const l = await lane();
    calls.length = 0;
    const reply = await l.handler('/t', 't.run')!(socket(), { x: 1 }, ack);
    expect(reply).toEqual({ wrapped: { ok: true } });
    expect(calls).toEqual([
      'guard t.run TestGateway.run',
      'interceptor before',
      // The parameters in Nest's metadata order (the last decorated first), each through the pipe.
      'pipe body PlaceDto',
      'pipe custom Object',
      'handler s1 {"x":1,"piped":true}',
      'interceptor after',
    ]);
  });

  it('a guard that refuses: the handler does not run, the filter gets Forbidden resource', async () => {
    const l = await lane();
    calls.length = 0;
    expect(await l.handler('/t', 't.run')!(socket(), { allow: false }, ack)).toBeUndefined();
    expect(calls).toEqual([
      'guard t.run TestGateway.run',
      'catch-all Forbidden resource ack=function client=s1',
    ]);
  });

  it('an interceptor that answers without next.handle(): no pipe, no handler', async () => {
    const l = await lane();
    calls.length = 0;
    expect(await l.handler('/t', 't.run')!(socket(), { cached: true }, ack)).toBe('from the cache');
    expect(calls).toEqual(['guard t.run TestGateway.run', 'interceptor before']);
  });

  it("two interceptors: the inner one's throw reaches the outer one as an error of next.handle()", async () => {
    const seen: string[] = [];
    @Injectable()
    class Outer implements NestInterceptor {
      intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
        return next.handle().pipe(
          catchError((err: Error) => {
            seen.push(`outer saw ${err.message}`);
            return of('recovered');
          }),
        );
      }
    }
    @Injectable()
    class Inner implements NestInterceptor {
      intercept(): Observable<unknown> {
        throw new Error('inner threw');
      }
    }
    @UseInterceptors(Outer, Inner)
    class Twice {
      @SubscribeMessage('w.run')
      run() {}
    }
    const l = await lane(Twice);
    expect(await l.handler('/w', 'w.run')!(socket(), {}, ack)).toBe('recovered');
    expect(seen).toEqual(['outer saw inner threw']);
  });

  it("errors go to the first filter that catches them, the method's before the class's", async () => {
    const l = await lane();
    calls.length = 0;
    await l.handler('/t', 't.run')!(socket(), { x: -1 }, ack);
    await l.handler('/t', 't.run')!(socket(), { x: 0 }, ack);
    await l.handler('/t', 't.boom')!(socket(), {}, ack);
    expect(calls.filter((c) => c.startsWith('catch'))).toEqual([
      'catch-all plain ack=function client=s1',
      'catch-all boom ack=function client=s1',
      'catch-boom method filter first',
    ]);
  });

  it("an error no filter catches gets Nest's default: an `exception` event to the client", async () => {
    const l = await lane();
    const emitted: unknown[] = [];
    await l.handler('/n', 'n.plain')!(socket(emitted), {}, undefined);
    expect(emitted).toEqual([
      [
        'exception',
        { status: 'error', message: 'not caught by CatchBoom', cause: { pattern: 'n.plain', data: {} } },
      ],
    ]);
  });

  it('a property of the payload, the ack, and an observable reply', async () => {
    const l = await lane();
    calls.length = 0;
    const reply = await l.handler('/t', 't.observable')!(socket(), { x: 7 }, ack);
    expect(reply).toEqual({ wrapped: 'observed' });
    expect(calls).toContain('x=7 ack=function');
  });

  it('binds the method the gateway has: an override without @SubscribeMessage is not subscribed (as in Nest)', async () => {
    class Base {
      @SubscribeMessage('b.kept')
      kept() {
        return 'base';
      }
      @SubscribeMessage('b.dropped')
      dropped() {
        return 'base';
      }
    }
    class Derived extends Base {
      @SubscribeMessage('b.kept')
      override kept() {
        return 'derived';
      }
    }
    const l = await lane();
    l.register('/b', new Derived());
    expect(await l.handler('/b', 'b.kept')!(socket(), {}, ack)).toBe('derived');
    expect(l.covered()['/b']).toEqual(['b.dropped', 'b.kept']);
    class Silenced extends Base {
      override dropped() {
        return 'silenced';
      }
    }
    l.register('/s2', new Silenced());
    expect(l.covered()['/s2']).toEqual(['b.kept']);
  });

  it('leaves to Nest what it cannot read wholly: custom parameters, parameter pipes, scoped enhancers', async () => {
    const l = await lane();
    expect(l.handler('/t', 't.custom')).toBeUndefined();
    expect(l.handler('/t', 't.param-pipe')).toBeUndefined();
    expect(l.handler('/s', 's.scoped')).toBeUndefined();
    expect(l.covered()).toEqual({ '/n': ['n.plain'], '/s': [], '/t': ['t.boom', 't.observable', 't.run'] });
  });
});
