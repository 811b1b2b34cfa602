import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DrainState } from '../util/drain.state.js';
import { ENGINE_HEALTH, type EngineHealth } from '../engine/engine.tokens.js';

/** Liveness (the process runs) and readiness (every dependency answers, and not draining). */
@Controller('health')
@ApiTags('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(ENGINE_HEALTH) private readonly engine: EngineHealth,
    private readonly drain: DrainState,
  ) {}

  @Get('live')
  @ApiOperation({
    summary: 'Liveness: 200 while the process runs',
    description: 'For a liveness probe: it answers while the event loop turns, whatever Redis does.',
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: 503 while a dependency is down or the node drains',
    description:
      'For a readiness probe and load balancers: 503 names what failed (`engine`, or `node` while ' +
      'draining after SIGTERM), so traffic moves to the other nodes.',
  })
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const down = await this.engine.down();
        const check = this.indicators.check('engine');
        return down.length === 0 ? check.up() : check.down({ failed: down.join(',') });
      },
      () => {
        const check = this.indicators.check('node');
        return this.drain.draining ? check.down({ message: 'draining' }) : check.up();
      },
    ]);
  }
}
