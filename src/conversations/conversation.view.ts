import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS, type Platform } from '../channels/entities/channel.entity.js';
import { PageResponse } from '../openapi/page-response.dto.js';
import { LastMessageResponse, type CallerAttention, type SharedAttention } from './read-state/conversation-attention.view.js';
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

  @ApiProperty({ type: String, nullable: true, description: '`/api/media/<id>` once the platform profile gave a picture' })
  avatarUrl!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The platform's id of the customer in this thread (Facebook PSID, Zalo user id; null on TikTok, whose thread is a conversation id): what a client shows until the name is known",
  })
  externalUserId!: string | null;
}

/** A conversation as `new_conversation` / `conversation_updated` carry it: the fields every user shares. */
export class SharedConversationResponse {
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

  @ApiProperty({ type: LastMessageResponse, nullable: true, description: 'The newest stored message; null when there is none' })
  lastMessage!: LastMessageResponse | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The oldest customer message with no later agent message that did not fail; null when answered',
  })
  waitingSince!: string | null;
}

/**
 * A conversation as REST answers it: with the caller's own `unreadCount`. Events go to many users, so they
 * carry SharedConversationResponse, without it (clients follow `conversation_read` and `new_message`).
 */
export class ConversationResponse extends SharedConversationResponse {
  @ApiProperty({ description: "Customer messages after the caller's read point (never read: all of them)" })
  unreadCount!: number;
}

export class ConversationPageResponse extends PageResponse(ConversationResponse) {}

/** The name the services and the domain-event map use. */
export type ConversationView = SharedConversationResponse;

export type CallerConversationView = ConversationResponse;

/** A conversation before its first message: nothing to show, nobody waiting. */
export const NO_MESSAGES_YET: SharedAttention = { lastMessage: null, waitingSince: null };

/** Expects `conversation.customer` loaded. */
export function toConversationView(conversation: ConversationEntity, attention: SharedAttention): ConversationView {
  return {
    id: conversation.id,
    channelId: conversation.channelId,
    customerId: conversation.customerId,
    platform: conversation.platform,
    status: conversation.status,
    assigneeId: conversation.assigneeId,
    lastMessageAt: conversation.lastMessageAt.toISOString(),
    createdAt: conversation.createdAt.toISOString(),
    customer: {
      id: conversation.customerId,
      name: conversation.customer?.name ?? null,
      avatarUrl: conversation.customer?.avatarUrl ?? null,
      // One thread is one user on Facebook and Zalo: its key is that user's id.
      externalUserId: conversation.platform === 'tiktok' ? null : conversation.threadKey,
    },
    replyWindow: conversationReplyWindow(conversation),
    lastMessage: attention.lastMessage,
    waitingSince: attention.waitingSince,
  };
}

export function toCallerConversationView(conversation: ConversationEntity, attention: CallerAttention): CallerConversationView {
  return { ...toConversationView(conversation, attention), unreadCount: attention.unreadCount };
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
