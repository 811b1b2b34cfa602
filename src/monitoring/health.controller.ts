import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DrainState } from '../util/drain.state.js';
import { ENGINE_HEALTH, type EngineHealth } from '../engine/engine.tokens.js';

/** Liveness (the process runs) and readiness (every dependency answers, and not draining). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(ENGINE_HEALTH) private readonly engine: EngineHealth,
    private readonly drain: DrainState,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
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
