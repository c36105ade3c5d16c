import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { CLIENT_EVENT_TYPES } from '../../common/domain-events.js';

const TYPES_PATTERN = new RegExp(`^(${CLIENT_EVENT_TYPES.join('|')})(,(${CLIENT_EVENT_TYPES.join('|')}))*$`);
export const EVENT_ID_PATTERN = /^\d{1,20}$/;

/** Filters shared by the stream and the catch-up API. */
export class EventFiltersDto {
  @ApiPropertyOptional({ description: `Comma-separated event types: ${CLIENT_EVENT_TYPES.join(', ')}` })
  @IsOptional()
  @Matches(TYPES_PATTERN, { message: `types must be a comma-separated list of: ${CLIENT_EVENT_TYPES.join(', ')}` })
  types?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  conversationId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  channelId?: string;
}

export class StreamQueryDto extends EventFiltersDto {
  @ApiPropertyOptional({ description: 'Resume after this event id (the Last-Event-ID header wins)' })
  @IsOptional()
  @Matches(EVENT_ID_PATTERN, { message: 'lastEventId must be a non-negative integer' })
  lastEventId?: string;

  @ApiPropertyOptional({ description: 'Resume after the cursor this client acknowledged (when no resume id is given)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  clientId?: string;

  @ApiPropertyOptional({ description: 'Single-use ticket from POST /api/events/ticket (for EventSource)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  ticket?: string;
}
