import type { MessageAttachment, MessageEntity, MessageSender, MessageStatus } from './message.entity.js';

/** A `messages` row as raw SQL (`RETURNING *`) gives it. */
export interface MessageRow {
  id: string;
  workspace_id: string;
  channel_id: string;
  conversation_id: string;
  sender: MessageSender;
  sender_user_id: string | null;
  content: string;
  attachments: MessageAttachment[];
  sent_at: Date;
  platform_message_id: string | null;
  status: MessageStatus;
  error: string | null;
  client_message_id: string | null;
  send_attempts: number;
  next_attempt_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function messageFromRow(row: MessageRow): MessageEntity {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    conversationId: row.conversation_id,
    sender: row.sender,
    senderUserId: row.sender_user_id,
    content: row.content,
    attachments: row.attachments,
    sentAt: row.sent_at,
    platformMessageId: row.platform_message_id,
    status: row.status,
    error: row.error,
    clientMessageId: row.client_message_id,
    sendAttempts: row.send_attempts,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
