import type { ExecutionContext, Type } from '@nestjs/common';

/**
 * A call's context for guards, interceptors and filters: Nest's ExecutionContext of type 'ws'
 * over Nest's arguments of a WebSocket handler (client, payload, ack, pattern), without the
 * closures Nest's host makes on every switchToWs().
 */
export class WsCall implements ExecutionContext {
  constructor(
    private readonly args: unknown[],
    private readonly cls: object | null = null,
    private readonly fn: object | null = null,
  ) {}
  getType<T extends string = 'ws'>(): T {
    return 'ws' as T;
  }
  getClass<T = unknown>(): Type<T> {
    return this.cls as Type<T>;
  }
  getHandler(): (...args: unknown[]) => unknown {
    return this.fn as (...args: unknown[]) => unknown;
  }
  getArgs<T extends unknown[] = unknown[]>(): T {
    return this.args as T;
  }
  getArgByIndex<T = unknown>(index: number): T {
    return this.args[index] as T;
  }
  switchToWs(): ReturnType<ExecutionContext['switchToWs']> {
    return this as unknown as ReturnType<ExecutionContext['switchToWs']>;
  }
  getClient<T>(): T {
    return this.args[0] as T;
  }
  getData<T>(): T {
    return this.args[1] as T;
  }
  getPattern(): string {
    return this.args[3] as string;
  }
  switchToHttp(): ReturnType<ExecutionContext['switchToHttp']> {
    throw new Error('a WebSocket command has no HTTP context');
  }
  switchToRpc(): ReturnType<ExecutionContext['switchToRpc']> {
    throw new Error('a WebSocket command has no RPC context');
  }
}
