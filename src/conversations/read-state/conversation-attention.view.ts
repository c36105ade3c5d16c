import { ApiProperty } from '@nestjs/swagger';
import type { MessageSender } from '../../messages/entities/message.entity.js';

/** The newest stored message of a conversation, shortened for an inbox row. */
export class LastMessageResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['customer', 'agent'], enumName: 'MessageSender' })
  sender!: MessageSender;

  @ApiProperty({ description: 'The first 200 code points of the text' })
  content!: string;

  @ApiProperty({ format: 'date-time' })
  sentAt!: string;

  @ApiProperty()
  hasAttachments!: boolean;
}

/** Attention fields that are the same for every caller (events carry these). */
export interface SharedAttention {
  lastMessage: LastMessageResponse | null;
  waitingSince: string | null;
}

/** Attention fields as one caller sees them. */
export interface CallerAttention extends SharedAttention {
  unreadCount: number;
}
