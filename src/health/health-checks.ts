import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';

export type HealthCheck = () => Promise<HealthIndicatorResult>;

/** Modules register what /api/health must check (the database here; the realtime listener in its module). */
@Injectable()
export class HealthChecks {
  private readonly checks: HealthCheck[] = [];

  register(check: HealthCheck): void {
    this.checks.push(check);
  }

  all(): HealthCheck[] {
    return [...this.checks];
  }
}
