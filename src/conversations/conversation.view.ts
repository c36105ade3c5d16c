import type { Platform } from '../channels/entities/channel.entity.js';
import type { ConversationEntity, ConversationStatus } from './entities/conversation.entity.js';

/** A conversation as REST answers it and as `new_conversation` / `conversation_updated` carry it. */
export interface ConversationView {
  id: string;
  channelId: string;
  customerId: string;
  platform: Platform;
  status: ConversationStatus;
  assigneeId: string | null;
  lastMessageAt: string;
  createdAt: string;
  customer: { id: string; name: string | null };
}

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
  };
}
