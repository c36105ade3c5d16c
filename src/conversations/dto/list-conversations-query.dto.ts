import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.js';
import { CONVERSATION_STATUSES, type ConversationStatus } from '../entities/conversation.entity.js';

const MAX_SEARCH_LENGTH = 200;

/** `true`/`false` in a query string; anything else stays as it is and fails IsBoolean. */
function queryBoolean({ value }: { value: unknown }): unknown {
  return value === 'true' ? true : value === 'false' ? false : value;
}

export class ListConversationsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: CONVERSATION_STATUSES })
  @IsOptional()
  @IsIn(CONVERSATION_STATUSES)
  status?: ConversationStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  channelId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only conversations with unread customer messages (false: none)' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  unread?: boolean;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only conversations waiting for an answer (waitingSince set)' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  waiting?: boolean;

  @ApiPropertyOptional({ maxLength: MAX_SEARCH_LENGTH, description: "Case-insensitive text in the customer's name or any message" })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SEARCH_LENGTH)
  q?: string;
}
