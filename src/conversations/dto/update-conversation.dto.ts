import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { CONVERSATION_STATUSES, type ConversationStatus } from '../entities/conversation.entity.js';

export class UpdateConversationDto {
  @ApiPropertyOptional({ enum: CONVERSATION_STATUSES })
  @IsOptional()
  @IsIn(CONVERSATION_STATUSES)
  status?: ConversationStatus;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'A user of the workspace, or null to unassign',
  })
  @IsOptional()
  @IsUUID()
  assigneeId?: string | null;
}
