import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import {
  type ArgumentsHost,
  type CallHandler,
  Catch,
  type ExceptionFilter,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { lastValueFrom, map, type Observable, of } from 'rxjs';
import { type AroundInterceptor, aroundIntercept, type Proceed } from './around.js';
import { Command, Payload, Roles } from './command.decorators.js';
import { CommandLane } from './command-lane.js';
import { WithPipeline } from './command-pipeline.js';

const calls: string[] = [];

/** Writes down before and after; its intercept() is Nest's way in, and must not be the lane's. */
function marker(name: string) {
  @Injectable()
  class Marker implements AroundInterceptor {
    intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
      calls.push(`${name} intercept`);
      return aroundIntercept(this, context, next);
    }
    async around(context: ExecutionContext, proceed: Proceed): Promise<unknown> {
      const data = context.switchToWs().getData<{ answer?: string; throwIn?: string }>();
      calls.push(`${name} before`);
      if (data.throwIn === name) throw new Error(`${name} threw`);
      if (data.answer === name) return `${name} answered`;
      try {
        return { [name]: await proceed() };
      } catch (err) {
        calls.push(`${name} saw ${(err as Error).message}`);
        throw err;
      }
    }
  }
  return Marker;
}
const Outer = marker('outer');
const Inner = marker('inner');

@Injectable()
class Plain implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    calls.push('plain');
    return next.handle().pipe(map((reply) => ({ plain: reply })));
  }
}

@Catch()
class Caught implements ExceptionFilter {
  catch(err: Error, _host: ArgumentsHost) {
    calls.push(`filter ${err.message}`);
  }
}

class Data {
  fail?: boolean;
  observable?: boolean;
}

@WithPipeline({ filter: Caught, pipes: [], guards: [], interceptors: [Outer, Inner] })
class AroundGateway {
  @Command('heartbeat')
  @Roles(['customer'])
  run(@Payload() data: Data) {
    calls.push('handler');
    if (data.fail) throw new Error('handler threw');
    return data.observable ? of('first', 'last') : 'reply';
  }
}

@WithPipeline({ filter: Caught, pipes: [], guards: [], interceptors: [Outer, Plain] })
class MixedGateway {
  @Command('heartbeat')
  @Roles(['customer'])
  run() {
    calls.push('handler');
    return 'reply';
  }
}

async function lane(): Promise<CommandLane> {
  const module = await Test.createTestingModule({
    providers: [AroundGateway, MixedGateway, Outer, Inner, Plain, Caught, CommandLane],
  }).compile();
  const l = module.get(CommandLane);
  l.register('/a', module.get(AroundGateway));
  l.register('/m', module.get(MixedGateway));
  return l;
}

const socket = { id: 's1', emit: () => true };

async function run(l: CommandLane, nsp: string, event: string, data: object): Promise<unknown> {
  calls.length = 0;
  return l.handler(nsp, event)!(socket, data, () => undefined);
}

describe('AroundInterceptor: one rule, called by the lane with promises and by Nest with observables', () => {
  it('the lane calls around(), outermost first, and never intercept()', async () => {
    const l = await lane();
    expect(await run(l, '/a', 'heartbeat', {})).toEqual({ outer: { inner: 'reply' } });
    expect(calls).toEqual(['outer before', 'inner before', 'handler']);
  });

  it('an interceptor may answer without proceeding: nothing inside it runs', async () => {
    const l = await lane();
    expect(await run(l, '/a', 'heartbeat', { answer: 'inner' })).toEqual({ outer: 'inner answered' });
    expect(calls).toEqual(['outer before', 'inner before']);
  });

  it("the handler's and an inner interceptor's errors reach the outer ones, then the filter", async () => {
    const l = await lane();
    expect(await run(l, '/a', 'heartbeat', { fail: true })).toBeUndefined();
    expect(calls).toEqual([
      'outer before',
      'inner before',
      'handler',
      'inner saw handler threw',
      'outer saw handler threw',
      'filter handler threw',
    ]);
    await run(l, '/a', 'heartbeat', { throwIn: 'inner' });
    expect(calls).toEqual(['outer before', 'inner before', 'outer saw inner threw', 'filter inner threw']);
  });

  it("a handler's observable reply: its last value, as Nest acks it", async () => {
    const l = await lane();
    expect(await run(l, '/a', 'heartbeat', { observable: true })).toEqual({ outer: { inner: 'last' } });
  });

  it("beside an interceptor that has only intercept(), the gateway is left to Nest's path", async () => {
    const l = await lane();
    expect(l.handler('/m', 'heartbeat')).toBeUndefined();
  });

  it('aroundIntercept, as Nest calls it: nothing runs before the subscription', async () => {
    const outer = new Outer();
    const context = { switchToWs: () => ({ getData: () => ({}) }) } as unknown as ExecutionContext;
    calls.length = 0;
    const reply = outer.intercept(context, { handle: () => of('a', 'b') });
    expect(calls).toEqual(['outer intercept']);
    expect(await lastValueFrom(reply)).toEqual({ outer: 'b' });
    expect(calls).toEqual(['outer intercept', 'outer before']);
  });
});
