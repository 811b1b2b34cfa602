import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { ErrorCode, ProtocolErrorBody } from '@orderwire/contracts';
import { catchError, from, map, mergeMap, type Observable, of, throwError } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { HubSocket } from '../transport/hub-server.js';
import { IDEMPOTENCY_STORE } from '../engine/engine.tokens.js';
import type { IdempotencyStore } from '../engine/idempotency-store.js';
import { HubException } from '../util/hub.exception.js';

/** Outcomes that are not the command's own result, so a retry with the same requestId runs again. */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set([
  'RATE_LIMITED',
  'INTERNAL',
  'VALIDATION_FAILED',
  'BACKEND_UNAVAILABLE',
]);

type Stored = { reply: unknown } | { error: ProtocolErrorBody };

/**
 * `requestId` idempotency (PROTOCOL section 5): the same requestId from the same user within
 * IDEMPOTENCY_TTL_SECONDS gets the first result and does not run again. Concurrent repeats on
 * this node share the first run.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly inFlight = new Map<string, Promise<Stored>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ws = context.switchToWs();
    const data: unknown = ws.getData();
    const requestId = (data as { requestId?: unknown } | null)?.requestId;
    if (typeof requestId !== 'string' || requestId.length === 0 || requestId.length > 64)
      return next.handle();
    const { userKey } = ws.getClient<HubSocket>().data.session;
    // PROTOCOL section 5: the same requestId from the same user, whatever the command.
    return from(this.resolve(userKey, requestId, next)).pipe(
      mergeMap((stored) =>
        'error' in stored ? throwError(() => HubException.fromBody(stored.error)) : of(stored.reply),
      ),
    );
  }

  private async resolve(owner: string, requestId: string, next: CallHandler): Promise<Stored> {
    const key = `${owner}|${requestId}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const run = this.run(owner, requestId, next);
    this.inFlight.set(key, run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async run(owner: string, requestId: string, next: CallHandler): Promise<Stored> {
    const previous = (await this.store.get(owner, requestId)) as Stored | undefined;
    if (previous) return previous;
    const outcome = await new Promise<Stored>((resolve, reject) => {
      next
        .handle()
        .pipe(
          map((reply): Stored => ({ reply })),
          catchError((err: unknown) => {
            if (err instanceof HubException && !TRANSIENT.has(err.code))
              return of({ error: err.toBody() } as Stored);
            throw err;
          }),
        )
        .subscribe({
          next: resolve,
          error: reject,
          complete: () => resolve({ reply: undefined }),
        });
    });
    const { ttlMs } = this.config.limits.idempotency;
    return (await this.store.setIfAbsent(owner, requestId, outcome, ttlMs)) as Stored;
  }
}
