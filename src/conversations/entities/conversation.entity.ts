import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, VirtualColumn, type Relation } from 'typeorm';
import type { Platform } from '../../channels/entities/channel.entity.js';
import { CustomerEntity } from '../../customers/entities/customer.entity.js';

export type ConversationStatus = 'open' | 'pending' | 'resolved';
export const CONVERSATION_STATUSES: readonly ConversationStatus[] = ['open', 'pending', 'resolved'];

@Entity('conversations')
export class ConversationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('uuid', { name: 'channel_id' })
  channelId!: string;

  @Column('uuid', { name: 'customer_id' })
  customerId!: string;

  @ManyToOne(() => CustomerEntity)
  @JoinColumn({ name: 'customer_id' })
  customer?: Relation<CustomerEntity>;

  @Column('text')
  platform!: Platform;

  /** The platform thread: the customer's platform user id (Facebook, Zalo) or TikTok's conversation_id. */
  @Column('text', { name: 'thread_key' })
  threadKey!: string;

  @Column('text')
  status!: ConversationStatus;

  @Column('uuid', { name: 'assignee_id', nullable: true })
  assigneeId!: string | null;

  @Column('timestamptz', { name: 'last_message_at' })
  lastMessageAt!: Date;

  /** The reply window's start: the newest customer message (platform time). */
  @Column('timestamptz', { name: 'last_customer_message_at', nullable: true })
  lastCustomerMessageAt!: Date | null;

  /** TikTok's per-window cap counts these; reset by a newer customer message. */
  @Column('integer', { name: 'agent_messages_since_customer', default: 0 })
  agentMessagesSinceCustomer!: number;

  /** The channel's human-agent tag, read with the conversation (Facebook's reply window depends on it). */
  @VirtualColumn({
    type: 'boolean',
    query: (alias) => `SELECT ch.human_agent_tag FROM channels ch WHERE ch.id = ${alias}.channel_id`,
  })
  humanAgentTag?: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
