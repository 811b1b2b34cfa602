import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  Controller,
  Get,
  Header,
  Headers,
  Inject,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Prometheus text format. With METRICS_TOKEN, only for `Authorization: Bearer <METRICS_TOKEN>`
 * (401 otherwise); without one, open outside production and not served (404) in production, where
 * the boot log says so.
 */
@Controller()
@ApiTags('metrics')
export class MetricsController {
  private readonly token?: Buffer;
  private readonly served: boolean;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const { metricsToken } = config.monitoring;
    this.token = metricsToken ? digest(metricsToken) : undefined;
    this.served = !!metricsToken || config.env !== 'production';
  }

  @Get('metrics')
  @ApiBearerAuth('metrics-token')
  @ApiProduces('text/plain')
  @ApiOperation({
    summary: 'Prometheus metrics (with METRICS_TOKEN; not served in production without one)',
    description:
      'The Prometheus text format: the hub’s `orderwire_*` series and Node’s default ones. With ' +
      'METRICS_TOKEN set, `Authorization: Bearer <METRICS_TOKEN>` is required.',
  })
  @ApiOkResponse({
    description: 'the Prometheus text format',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiUnauthorizedResponse({ description: 'no token, or not METRICS_TOKEN' })
  @ApiNotFoundResponse({ description: 'not served: production without METRICS_TOKEN' })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    if (!this.served) throw new NotFoundException();
    if (this.token) {
      const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
      // Hashes of equal length, so the comparison takes the same time whatever was sent.
      if (!given || !timingSafeEqual(digest(given), this.token)) {
        throw new UnauthorizedException('a metrics token is required');
      }
    }
    return this.metrics.registry.metrics();
  }
}
