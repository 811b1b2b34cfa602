import { type CallHandler, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ErrorCode, ProtocolErrorBody } from '@orderwire/contracts';
import type { Observable } from 'rxjs';
import { type AroundInterceptor, aroundIntercept, type Proceed } from './around.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { sessionOf } from '../transport/socket-link.js';
import { IDEMPOTENCY_STORE } from '../engine/engine.tokens.js';
import type { IdempotencyStore } from '../engine/idempotency-store.js';
import { HubException } from '../util/hub.exception.js';
import { declaredFor, declaredOn } from './command.decorators.js';

/** Outcomes that are not the command's own result, so a retry with the same requestId runs again. */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set([
  'RATE_LIMITED',
  'INTERNAL',
  'VALIDATION_FAILED',
  'BACKEND_UNAVAILABLE',
  'UNAVAILABLE',
]);

type Stored = { reply: unknown } | { error: ProtocolErrorBody };

/**
 * `requestId` idempotency (PROTOCOL section 5): the same requestId from the same user within
 * IDEMPOTENCY_TTL_SECONDS gets the first result and does not run again. Concurrent repeats on
 * this node share the first run. Every command, unless its unit declares `idempotent: false`.
 */
/** Whose results: the user (their key) in their tenant, whose slot holds them (Redis Cluster). */
interface Owner {
  tenantId: string;
  userKey: string;
}

@Injectable()
export class IdempotencyInterceptor implements AroundInterceptor {
  private readonly inFlight = new Map<string, Promise<Stored>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return aroundIntercept(this, context, next);
  }

  appliesTo(handler: object): boolean {
    return declaredOn(handler).rule?.idempotent !== false;
  }

  around(context: ExecutionContext, proceed: Proceed): Promise<unknown> {
    const ws = context.switchToWs();
    const requestId = ws.getData<{ requestId?: unknown } | null>()?.requestId;
    if (typeof requestId !== 'string' || requestId.length === 0 || requestId.length > 64) return proceed();
    if (declaredFor(context).rule?.idempotent === false) return proceed();
    // PROTOCOL section 5: the same requestId from the same user, whatever the command.
    const session = sessionOf(ws.getClient());
    return this.replay({ tenantId: session.tenantId, userKey: session.userKey }, requestId, proceed);
  }

  private async replay(owner: Owner, requestId: string, proceed: Proceed): Promise<unknown> {
    const stored = await this.resolve(owner, requestId, proceed);
    if ('error' in stored) throw HubException.fromBody(stored.error);
    return stored.reply;
  }

  private async resolve(owner: Owner, requestId: string, proceed: Proceed): Promise<Stored> {
    const key = `${owner.userKey}|${requestId}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const run = this.run(owner, requestId, proceed);
    this.inFlight.set(key, run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async run(owner: Owner, requestId: string, proceed: Proceed): Promise<Stored> {
    const previous = (await this.store.get(owner.tenantId, owner.userKey, requestId)) as Stored | undefined;
    if (previous) return previous;
    let outcome: Stored;
    try {
      outcome = { reply: await proceed() };
    } catch (err) {
      if (!(err instanceof HubException) || TRANSIENT.has(err.code)) throw err;
      outcome = { error: err.toBody() };
    }
    const { ttlMs } = this.config.limits.idempotency;
    return (await this.store.setIfAbsent(owner.tenantId, owner.userKey, requestId, outcome, ttlMs)) as Stored;
  }
}
