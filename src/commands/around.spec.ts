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
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MessageBody, SubscribeMessage } from '@nestjs/websockets';
import { lastValueFrom, map, type Observable, of } from 'rxjs';
import type { Socket } from 'socket.io';
import { type AroundInterceptor, aroundIntercept, type Proceed } from './around.js';
import { CommandLane } from './command-lane.js';

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

@UseFilters(Caught)
@UseInterceptors(Outer, Inner)
class AroundGateway {
  @SubscribeMessage('a.run')
  run(@MessageBody() data: { fail?: boolean; observable?: boolean }) {
    calls.push('handler');
    if (data.fail) throw new Error('handler threw');
    return data.observable ? of('first', 'last') : 'reply';
  }
}

@UseFilters(Caught)
@UseInterceptors(Outer, Plain)
class MixedGateway {
  @SubscribeMessage('m.run')
  run() {
    calls.push('handler');
    return 'reply';
  }
}

async function lane(): Promise<CommandLane> {
  const module = await Test.createTestingModule({
    providers: [AroundGateway, MixedGateway, Outer, Inner, Plain, CommandLane],
  }).compile();
  const l = module.get(CommandLane);
  l.register('/a', module.get(AroundGateway));
  l.register('/m', module.get(MixedGateway));
  return l;
}

const socket = { id: 's1', emit: () => true } as unknown as Socket;

async function run(l: CommandLane, nsp: string, event: string, data: object): Promise<unknown> {
  calls.length = 0;
  return l.handler(nsp, event)!(socket, data, () => undefined);
}

describe('AroundInterceptor: one rule, called by the lane with promises and by Nest with observables', () => {
  it('the lane calls around(), outermost first, and never intercept()', async () => {
    const l = await lane();
    expect(await run(l, '/a', 'a.run', {})).toEqual({ outer: { inner: 'reply' } });
    expect(calls).toEqual(['outer before', 'inner before', 'handler']);
  });

  it('an interceptor may answer without proceeding: nothing inside it runs', async () => {
    const l = await lane();
    expect(await run(l, '/a', 'a.run', { answer: 'inner' })).toEqual({ outer: 'inner answered' });
    expect(calls).toEqual(['outer before', 'inner before']);
  });

  it("the handler's and an inner interceptor's errors reach the outer ones, then the filter", async () => {
    const l = await lane();
    expect(await run(l, '/a', 'a.run', { fail: true })).toBeUndefined();
    expect(calls).toEqual([
      'outer before',
      'inner before',
      'handler',
      'inner saw handler threw',
      'outer saw handler threw',
      'filter handler threw',
    ]);
    await run(l, '/a', 'a.run', { throwIn: 'inner' });
    expect(calls).toEqual(['outer before', 'inner before', 'outer saw inner threw', 'filter inner threw']);
  });

  it("a handler's observable reply: its last value, as Nest acks it", async () => {
    const l = await lane();
    expect(await run(l, '/a', 'a.run', { observable: true })).toEqual({ outer: { inner: 'last' } });
  });

  it('beside an interceptor that has only intercept(), every one goes through intercept()', async () => {
    const l = await lane();
    expect(await run(l, '/m', 'm.run', {})).toEqual({ outer: { plain: 'reply' } });
    expect(calls).toEqual(['outer intercept', 'outer before', 'plain', 'handler']);
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
