import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const HEALTH_STATUSES = ['ok', 'error', 'shutting_down'] as const;

/** One indicator of the readiness check, e.g. `database: {status: "up"}`. */
const INDICATORS_SCHEMA = {
  type: 'object' as const,
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    required: ['status'],
    additionalProperties: true,
  },
};

/** Readiness, in @nestjs/terminus's shape: every check (database, event listener) and its state. */
export class ReadinessResponse {
  @ApiProperty({ enum: HEALTH_STATUSES })
  status!: (typeof HEALTH_STATUSES)[number];

  @ApiPropertyOptional({ ...INDICATORS_SCHEMA, description: 'The checks that are up' })
  info?: Record<string, { status: string }>;

  @ApiPropertyOptional({ ...INDICATORS_SCHEMA, description: 'The checks that are down' })
  error?: Record<string, { status: string }>;

  @ApiProperty({ ...INDICATORS_SCHEMA, description: 'Every check' })
  details!: Record<string, { status: string }>;
}

/** Liveness: the process serves HTTP. */
export class LivenessResponse {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}
