import { Controller, Get, OnModuleInit } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { Public } from '../auth/decorators.js';
import { HealthChecks } from './health-checks.js';

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

  @Public()
  @Get()
  @HealthCheck()
  checkHealth() {
    return this.health.check(this.checks.all());
  }
}
