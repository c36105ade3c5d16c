import type { MessageAttachment, MessageEntity, MessageSender, MessageStatus } from './entities/message.entity.js';

/** A message as REST answers it and as `new_message` / `message_sent` carry it. */
export interface MessageView {
  id: string;
  conversationId: string;
  sender: MessageSender;
  senderUserId: string | null;
  content: string;
  attachments: MessageAttachment[];
  sentAt: string;
  platformMessageId: string | null;
  status: MessageStatus;
  error: string | null;
  clientMessageId: string | null;
}

export function toMessageView(message: MessageEntity): MessageView {
  return {
    id: message.id,
    conversationId: message.conversationId,
    sender: message.sender,
    senderUserId: message.senderUserId,
    content: message.content,
    attachments: message.attachments,
    sentAt: message.sentAt.toISOString(),
    platformMessageId: message.platformMessageId,
    status: message.status,
    error: message.error,
    clientMessageId: message.clientMessageId,
  };
}
