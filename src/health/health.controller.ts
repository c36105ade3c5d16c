import { Controller, Get, OnModuleInit } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { Public } from '../auth/decorators.js';
import { HealthChecks } from './health-checks.js';
import { LivenessResponse, ReadinessResponse } from './health.view.js';

@ApiTags('operations')
@Controller('health')
export class HealthController implements OnModuleInit {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly checks: HealthChecks,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.checks.register(async () => {
      const session = this.indicators.check('database');
      try {
        await this.dataSource.query('SELECT 1');
        return session.up();
      } catch {
        return session.down({ message: 'database unreachable' });
      }
    });
  }

  /** Readiness: the database and the event listener are up. */
  @Public()
  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOkResponse({ type: ReadinessResponse, description: 'Ready: every check is up' })
  @ApiServiceUnavailableResponse({ type: ReadinessResponse, description: 'Not ready: the failing checks are under `error`' })
  checkHealth() {
    return this.health.check(this.checks.all());
  }

  /** Liveness: answering at all is the proof, so nothing (not the database) is checked. */
  @Public()
  @Get('live')
  @ApiOkResponse({ type: LivenessResponse, description: 'The process serves HTTP' })
  checkLiveness(): LivenessResponse {
    return { status: 'ok' };
  }
}
