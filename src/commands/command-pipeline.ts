import {
  type CanActivate,
  type ExceptionFilter,
  type NestInterceptor,
  type PipeTransform,
  type Type,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
} from '@nestjs/common';
import { CommandForwardInterceptor } from './command-forward.interceptor.js';
import { CommandLogInterceptor } from './command-log.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { OrderSerialInterceptor } from './order-serial.interceptor.js';
import { RateLimitInterceptor } from './rate-limit.interceptor.js';
import { RolesGuard } from './roles.guard.js';
import { SessionGuard } from './session.guard.js';
import { WsExceptionFilter } from './ws-exception.filter.js';
import { WsValidationPipe } from './ws-validation.pipe.js';

/** What runs around every command handler, in Nest's terms (classes Nest instantiates). */
export interface Pipeline {
  /** Catches everything (`@Catch()`): every failure becomes the ack `{ ok: false, error }`. */
  filter: Type<ExceptionFilter>;
  pipes: Array<Type<PipeTransform>>;
  guards: Array<Type<CanActivate>>;
  /** Outermost first. */
  interceptors: Array<Type<NestInterceptor>>;
}

/**
 * The hub's command pipeline. Guards: the session is still good, then who may send it. Then the
 * interceptors: the command log around everything past the guards, the rate limits, one command at
 * a time per order, the hand-off to services and webhooks, and requestId idempotency innermost
 * (a retry after a failed hand-off queues it again; the job id keeps that to one job). The pipe
 * validates the payload into its DTO; the filter answers every failure.
 */
export const COMMAND_PIPELINE: Pipeline = {
  filter: WsExceptionFilter,
  pipes: [WsValidationPipe],
  guards: [SessionGuard, RolesGuard],
  interceptors: [
    CommandLogInterceptor,
    RateLimitInterceptor,
    OrderSerialInterceptor,
    CommandForwardInterceptor,
    IdempotencyInterceptor,
  ],
};

const PIPELINE = Symbol('orderwire:command pipeline');

/**
 * Binds a pipeline to a gateway class with Nest's own decorators (global enhancers do not reach
 * gateways, nestjs/nest#3475), and remembers it for the command lane, which reads no Nest metadata.
 */
export function WithPipeline(pipeline: Pipeline = COMMAND_PIPELINE): ClassDecorator {
  return (cls) => {
    UseFilters(pipeline.filter)(cls);
    UsePipes(...pipeline.pipes)(cls);
    UseGuards(...pipeline.guards)(cls);
    UseInterceptors(...pipeline.interceptors)(cls);
    Object.defineProperty(cls, PIPELINE, { value: pipeline });
  };
}

export function pipelineOf(cls: object): Pipeline | undefined {
  return (cls as { [PIPELINE]?: Pipeline })[PIPELINE];
}
