import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export const ACTIVITY_KINDS = ['viewing', 'typing', 'idle'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export class ReportActivityDto {
  @ApiProperty({ enum: ACTIVITY_KINDS, enumName: 'ActivityKind', description: '`idle` ends a report (and is never refused)' })
  @IsIn(ACTIVITY_KINDS)
  kind!: ActivityKind;
}
