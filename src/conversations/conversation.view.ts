import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS, type Platform } from '../channels/entities/channel.entity.js';
import { PageResponse } from '../openapi/page-response.dto.js';
import { replyWindowOf } from './reply-window.js';
import { ReplyWindowResponse } from './reply-window.view.js';
import {
  CONVERSATION_STATUSES,
  type ConversationEntity,
  type ConversationStatus,
} from './entities/conversation.entity.js';

export class ConversationCustomerResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Null until the platform profile is known' })
  name!: string | null;
}

/** A conversation as REST answers it and as `new_conversation` / `conversation_updated` carry it. */
export class ConversationResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  channelId!: string;

  @ApiProperty({ format: 'uuid' })
  customerId!: string;

  @ApiProperty({ enum: PLATFORMS, enumName: 'Platform' })
  platform!: Platform;

  @ApiProperty({ enum: CONVERSATION_STATUSES, enumName: 'ConversationStatus' })
  status!: ConversationStatus;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  assigneeId!: string | null;

  @ApiProperty({ format: 'date-time' })
  lastMessageAt!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: ConversationCustomerResponse })
  customer!: ConversationCustomerResponse;

  @ApiProperty({ type: ReplyWindowResponse })
  replyWindow!: ReplyWindowResponse;
}

export class ConversationPageResponse extends PageResponse(ConversationResponse) {}

/** The name the services and the domain-event map use. */
export type ConversationView = ConversationResponse;

/** Expects `conversation.customer` loaded. */
export function toConversationView(conversation: ConversationEntity): ConversationView {
  return {
    id: conversation.id,
    channelId: conversation.channelId,
    customerId: conversation.customerId,
    platform: conversation.platform,
    status: conversation.status,
    assigneeId: conversation.assigneeId,
    lastMessageAt: conversation.lastMessageAt.toISOString(),
    createdAt: conversation.createdAt.toISOString(),
    customer: { id: conversation.customerId, name: conversation.customer?.name ?? null },
    replyWindow: conversationReplyWindow(conversation),
  };
}

/** The conversation's reply window now. */
export function conversationReplyWindow(conversation: ConversationEntity, now = new Date()): ReplyWindowResponse {
  return replyWindowOf(
    {
      platform: conversation.platform,
      lastCustomerMessageAt: conversation.lastCustomerMessageAt,
      agentMessagesSinceCustomer: conversation.agentMessagesSinceCustomer,
      humanAgentTag: conversation.humanAgentTag ?? false,
    },
    now,
  );
}
