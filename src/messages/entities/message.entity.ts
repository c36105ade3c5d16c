import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type MessageSender = 'customer' | 'agent';
export type MessageStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface MessageAttachment {
  type: string;
  url: string;
  /** Set once the file is stored (media/): then `url` is `/api/media/<mediaId>`. */
  mediaId?: string | null;
  name?: string | null;
  mimeType?: string | null;
  size?: number | null;
  /** The platform's URL of an inbound attachment; null for uploads. */
  originalUrl?: string | null;
}

@Entity('messages')
export class MessageEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('uuid', { name: 'channel_id' })
  channelId!: string;

  @Column('uuid', { name: 'conversation_id' })
  conversationId!: string;

  @Column('text')
  sender!: MessageSender;

  @Column('uuid', { name: 'sender_user_id', nullable: true })
  senderUserId!: string | null;

  @Column('text')
  content!: string;

  @Column('jsonb')
  attachments!: MessageAttachment[];

  @Column('timestamptz', { name: 'sent_at' })
  sentAt!: Date;

  @Column('text', { name: 'platform_message_id', nullable: true })
  platformMessageId!: string | null;

  @Column('text')
  status!: MessageStatus;

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('text', { name: 'client_message_id', nullable: true })
  clientMessageId!: string | null;

  /** Outbound queue bookkeeping: a `pending` agent message is work for the sender. */
  @Column('integer', { name: 'send_attempts', default: 0 })
  sendAttempts!: number;

  @Column('timestamptz', { name: 'next_attempt_at', nullable: true })
  nextAttemptAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
