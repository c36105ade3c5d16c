import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { EVENT_ID_PATTERN, EventFiltersDto } from './stream-query.dto.js';

export class ListEventsQueryDto extends EventFiltersDto {
  @ApiPropertyOptional({ description: 'Return events with a larger id', default: '0' })
  @IsOptional()
  @Matches(EVENT_ID_PATTERN, { message: 'after must be a non-negative integer' })
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
