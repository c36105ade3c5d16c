import { ApiProperty } from '@nestjs/swagger';
import { PageResponse } from '../openapi/page-response.dto.js';
import type { MessageEntity, MessageSender, MessageStatus } from './entities/message.entity.js';

const MESSAGE_SENDERS = ['customer', 'agent'] as const satisfies readonly MessageSender[];
const MESSAGE_STATUSES = ['received', 'pending', 'sent', 'delivered', 'read', 'failed'] as const satisfies readonly MessageStatus[];

export class MessageAttachmentResponse {
  @ApiProperty({ example: 'image' })
  type!: string;

  @ApiProperty()
  url!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null until the file is stored' })
  mediaId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  name!: string | null;

  @ApiProperty({ type: String, nullable: true })
  mimeType!: string | null;

  @ApiProperty({ type: Number, nullable: true })
  size!: number | null;

  @ApiProperty({ type: String, nullable: true, description: "The platform's URL (inbound); null for uploads" })
  originalUrl!: string | null;
}

/** A message as REST answers it and as `new_message` / `message_sent` carry it. */
export class MessageResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ enum: MESSAGE_SENDERS, enumName: 'MessageSender' })
  sender!: MessageSender;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The agent who wrote it; null for customers and page echoes' })
  senderUserId!: string | null;

  @ApiProperty()
  content!: string;

  @ApiProperty({ type: [MessageAttachmentResponse] })
  attachments!: MessageAttachmentResponse[];

  @ApiProperty({ format: 'date-time' })
  sentAt!: string;

  @ApiProperty({ type: String, nullable: true, description: "The platform's id, once known" })
  platformMessageId!: string | null;

  @ApiProperty({ enum: MESSAGE_STATUSES, enumName: 'MessageStatus' })
  status!: MessageStatus;

  @ApiProperty({ type: String, nullable: true, description: 'Why the platform send failed' })
  error!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The id the sending client chose (idempotency)' })
  clientMessageId!: string | null;
}

export class MessagePageResponse extends PageResponse(MessageResponse) {}

/** The name the services and the domain-event map use. */
export type MessageView = MessageResponse;

export function toMessageView(message: MessageEntity): MessageView {
  return {
    id: message.id,
    conversationId: message.conversationId,
    sender: message.sender,
    senderUserId: message.senderUserId,
    content: message.content,
    attachments: message.attachments.map((attachment) => ({
      type: attachment.type,
      url: attachment.url,
      mediaId: attachment.mediaId ?? null,
      name: attachment.name ?? null,
      mimeType: attachment.mimeType ?? null,
      size: attachment.size ?? null,
      originalUrl: attachment.originalUrl ?? null,
    })),
    sentAt: message.sentAt.toISOString(),
    platformMessageId: message.platformMessageId,
    status: message.status,
    error: message.error,
    clientMessageId: message.clientMessageId,
  };
}
