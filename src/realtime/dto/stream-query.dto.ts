import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { STREAM_EVENT_TYPES } from '../../common/domain-events.js';

const TYPES_PATTERN = new RegExp(`^(${STREAM_EVENT_TYPES.join('|')})(,(${STREAM_EVENT_TYPES.join('|')}))*$`);
export const EVENT_ID_PATTERN = /^\d{1,20}$/;
/** Longer resume ids than this are rejected before any stream byte (an EventSource never sends one). */
export const MAX_RESUME_ID_LENGTH = 200;

/** Filters shared by the stream and the catch-up API. */
export class EventFiltersDto {
  @ApiPropertyOptional({ description: `Comma-separated event types: ${STREAM_EVENT_TYPES.join(', ')}` })
  @IsOptional()
  @Matches(TYPES_PATTERN, { message: `types must be a comma-separated list of: ${STREAM_EVENT_TYPES.join(', ')}` })
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
  /**
   * Any string: an id that is not a decimal event id is unknown and answered with `resync`, like one beyond
   * the head, because a 400 would make a browser EventSource stop reconnecting for good.
   */
  @ApiPropertyOptional({ description: 'Resume after this event id (the Last-Event-ID header wins); an unknown id → resync', maxLength: MAX_RESUME_ID_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_RESUME_ID_LENGTH)
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
