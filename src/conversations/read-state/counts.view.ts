import { ApiProperty } from '@nestjs/swagger';

/** GET /api/conversations/counts: visible, not resolved conversations. */
export class ConversationCountsResponse {
  @ApiProperty({ description: 'Conversations with unread customer messages' })
  unread!: number;

  @ApiProperty({ description: 'Of those, assigned to the caller' })
  unreadMine!: number;

  @ApiProperty({ description: 'Of those, unassigned' })
  unreadUnassigned!: number;

  @ApiProperty({ description: 'Conversations waiting for an answer' })
  waiting!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Unread conversations per visible channel id; channels without any are left out',
  })
  byChannel!: Record<string, number>;
}
