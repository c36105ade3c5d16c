import { ApiProperty } from '@nestjs/swagger';
import type { ReplyWindow, ReplyWindowState } from './reply-window.js';

const REPLY_WINDOW_STATES: readonly ReplyWindowState[] = ['open', 'tag_required', 'closed'];

/** Whether and how an agent may reply now (from the customer's last message). */
export class ReplyWindowResponse implements ReplyWindow {
  @ApiProperty({ enum: REPLY_WINDOW_STATES, enumName: 'ReplyWindowState' })
  state!: ReplyWindowState;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Next change of state; null when closed' })
  closesAt!: string | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'TikTok: agent messages left before the customer writes again; null on facebook and zalo',
  })
  remaining!: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why it is closed or needs the tag' })
  reason!: string | null;
}
