import {
  Body,
  Controller,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { ErrorCode, ProtocolErrorBody } from '@orderwire/contracts';
import { validatePublishRequest } from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { AuthError } from '../auth/auth.error.js';
import { HubException } from '../util/hub.exception.js';
import { JwtVerifier } from '../auth/jwt-verifier.service.js';
import { KeyedBuckets } from '../util/token-bucket.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { PublishService } from './publish.service.js';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  UNAUTHORIZED: HttpStatus.UNAUTHORIZED,
  TOKEN_EXPIRED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  UNKNOWN_EVENT: HttpStatus.BAD_REQUEST,
  TOO_MANY_CONNECTIONS: HttpStatus.TOO_MANY_REQUESTS,
  LIMIT_REACHED: HttpStatus.CONFLICT,
  // Never answered over HTTP (order.place refusals); here for completeness.
  UNKNOWN_ITEM: HttpStatus.UNPROCESSABLE_ENTITY,
  ITEM_UNAVAILABLE: HttpStatus.CONFLICT,
  PRICE_CHANGED: HttpStatus.CONFLICT,
  PAYMENT_REQUIRED: HttpStatus.CONFLICT,
  STORE_CLOSED: HttpStatus.CONFLICT,
  INVALID_CODE: HttpStatus.UNPROCESSABLE_ENTITY,
  REJECTED: HttpStatus.UNPROCESSABLE_ENTITY,
  BACKEND_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  SLOW_CONSUMER: HttpStatus.TOO_MANY_REQUESTS, // never answered over HTTP; here for completeness
  INTERNAL: HttpStatus.INTERNAL_SERVER_ERROR,
};

const ERROR = { $ref: '#/components/schemas/Error' };

function refuse(
  code: ErrorCode,
  message: string,
  details?: ProtocolErrorBody['details'],
  status = STATUS[code],
): never {
  throw new HttpException({ error: { code, message, ...(details ? { details } : {}) } }, status);
}

/**
 * `POST /api/v1/events` for backends that are not Nest (PROTOCOL section 7): a service JWT,
 * the same validation as Broadcaster.publish, `202 { id }` once durably queued.
 */
/** The publish rate's fields on every answer (draft-ietf-httpapi-ratelimit-headers). */
const RATE_HEADERS = {
  'RateLimit-Limit': { description: 'events per second this token may publish', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'events left in the current burst', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'seconds until the burst is full again', schema: { type: 'integer' } },
};
const RETRY_AFTER = {
  'Retry-After': { description: 'seconds to wait before trying again', schema: { type: 'integer' } },
};

@Controller('api/v1')
export class PublishController {
  private readonly buckets: KeyedBuckets;
  private readonly policy: string;

  constructor(
    @InjectLogger(PublishController.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly verifier: JwtVerifier,
    private readonly publisher: PublishService,
    private readonly metrics: MetricsService,
  ) {
    this.buckets = new KeyedBuckets(config.limits.publishPerSecond, config.limits.publishBurst);
    this.policy = `${config.limits.publishBurst};w=${Math.ceil(config.limits.publishBurst / config.limits.publishPerSecond)}`;
  }

  /**
   * The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers: Limit, Remaining, Reset in
   * seconds, Policy) on every answer, and Retry-After (seconds) on a 429.
   */
  private rateHeaders(res: Response, key: string, waitMs: number): void {
    const burst = this.buckets.burst;
    const remaining = this.buckets.remaining(key);
    const resetS = Math.ceil(waitMs > 0 ? waitMs / 1000 : (burst - remaining) / this.buckets.rate);
    res.setHeader('RateLimit-Limit', String(burst));
    res.setHeader('RateLimit-Remaining', String(remaining));
    res.setHeader('RateLimit-Reset', String(resetS));
    res.setHeader('RateLimit-Policy', this.policy);
    if (waitMs > 0) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
  }

  /**
   * The body parser takes bodies as large as a menu (MENU_MAX_BYTES); anything else is held to
   * MESSAGE_MAX_BYTES here, by the bytes the parser read (`rawBody`, see app.factory.ts).
   */
  private checkSize(req: Request, body: unknown): void {
    const bytes = (req as Request & { rawBody?: Buffer }).rawBody?.length ?? 0;
    const menu = (body as { type?: unknown } | null)?.type === 'menu.updated';
    const limit = menu ? this.config.menu.maxBytes : this.config.limits.messageBytes;
    if (bytes > limit) refuse('PAYLOAD_TOO_LARGE', `this event may be at most ${limit} bytes`);
  }

  @Post('events')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiTags('publish')
  @ApiBearerAuth('service-jwt')
  @ApiOperation({
    summary: 'Publish an event to the hub’s clients',
    description:
      'The same body and validation as Broadcaster.publish (docs/protocol.md section 7). 202 once ' +
      'the event is durably queued; a repeat of a requestId within 10 minutes answers the first id.',
  })
  @ApiBody({ schema: { $ref: '#/components/schemas/PublishRequest' } })
  @ApiAcceptedResponse({
    description: 'queued',
    headers: RATE_HEADERS,
    schema: {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', example: '01KB5T9Q2X8D3V0J7M4N6P1R2S' } },
    },
  })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED (details.fields)', schema: ERROR })
  @ApiResponse({ status: 401, description: 'UNAUTHORIZED or TOKEN_EXPIRED', schema: ERROR })
  @ApiResponse({ status: 403, description: 'FORBIDDEN: a tenant outside the token’s scope', schema: ERROR })
  @ApiResponse({
    status: 409,
    description: 'LIMIT_REACHED: a new tenant’s menu past MENU_MAX_TENANTS',
    schema: ERROR,
  })
  @ApiResponse({ status: 413, description: 'PAYLOAD_TOO_LARGE', schema: ERROR })
  @ApiResponse({
    status: 429,
    description: 'RATE_LIMITED (Retry-After, RateLimit-*)',
    schema: ERROR,
    headers: { ...RATE_HEADERS, ...RETRY_AFTER },
  })
  @ApiResponse({
    status: 503,
    description: 'INTERNAL: the queue cannot be reached (Retry-After: 1)',
    schema: ERROR,
    headers: RETRY_AFTER,
  })
  async publish(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    let service: { sub: string; tenants: string[] | '*' };
    try {
      service = await this.verifier.verifyService(/^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]);
    } catch (err) {
      const e = err instanceof AuthError ? err : new AuthError('UNAUTHORIZED', 'invalid token');
      this.metrics.authFailures.inc({ code: e.code });
      refuse(e.code, e.message);
    }
    const wait = this.buckets.take(service.sub);
    this.rateHeaders(res, service.sub, wait);
    if (wait > 0) {
      this.metrics.rateLimited.inc({ scope: 'publish' });
      refuse('RATE_LIMITED', 'too many publishes; slow down', { retryAfterMs: wait });
    }
    this.checkSize(req, body);
    const checked = validatePublishRequest(body, { menuBytes: this.config.menu.maxBytes });
    if (!checked.ok) refuse('VALIDATION_FAILED', 'invalid event', { fields: checked.fields });
    if (service.tenants !== '*' && !service.tenants.includes(checked.value.tenantId)) {
      refuse('FORBIDDEN', `this service may not publish to tenant ${checked.value.tenantId}`);
    }
    try {
      return await this.publisher.accept(checked.value, { id: service.sub, type: 'service' });
    } catch (err) {
      if (err instanceof HubException) refuse(err.code, err.message, err.details);
      this.logger.warn({ err, service: service.sub }, 'publish not queued');
      res.setHeader('Retry-After', '1');
      refuse(
        'INTERNAL',
        'the hub cannot queue events right now; retry shortly',
        undefined,
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
  }
}
