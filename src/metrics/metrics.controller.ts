import { Controller, Get, Headers, Inject, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { collectDefaultMetrics, register } from 'prom-client';
import { Public } from '../auth/decorators.js';
import { safeEqual } from '../common/safe-equal.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator.js';

let defaultMetricsStarted = false;

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (!defaultMetricsStarted) {
      defaultMetricsStarted = true;
      collectDefaultMetrics();
    }
  }

  /** Prometheus text. Protected by METRICS_TOKEN when it is set. */
  @Public()
  @Get()
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition format',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiErrorResponses(401)
  async getMetrics(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    if (this.config.metricsToken && !safeEqual(`Bearer ${this.config.metricsToken}`, authorization)) throw new UnauthorizedException();
    response.setHeader('Content-Type', register.contentType);
    response.send(await register.metrics());
  }
}
