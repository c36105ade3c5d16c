import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

/** `conversation_read`: a user's read point moved (sent to that user's streams only). */
export class ConversationReadResponse {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ description: 'Customer messages after the new read point' })
  unreadCount!: number;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The newest message read; null before the first one' })
  lastReadMessageId!: string | null;
}

export type ConversationReadView = ConversationReadResponse;

export class MarkReadDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The newest message read (default: the newest message); never moves the read point back' })
  @IsOptional()
  @IsUUID()
  messageId?: string;
}
